import { defineError } from '../../platform/errors.ts';

/** One message for every refused sign-in, so it never tells whether a username exists. */
export const LoginFailed = defineError('LOGIN_FAILED', 401, {
  vi: 'Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang bị tạm khóa do nhập sai nhiều lần. Hãy thử lại sau.',
  en: 'The username or password is wrong, or the account is temporarily locked after too many failed attempts. Try again later.',
});
export const TotpInvalid = defineError('TOTP_INVALID', 401, {
  vi: 'Mã xác thực không đúng hoặc đã hết hạn.',
  en: 'The verification code is wrong or has expired.',
});
export const LoginChallengeExpired = defineError('LOGIN_CHALLENGE_EXPIRED', 401, {
  vi: 'Phiên đăng nhập đã hết hạn; hãy nhập lại tên đăng nhập và mật khẩu.',
  en: 'The sign-in has expired; enter your username and password again.',
});
export const AccountNotFound = defineError('ACCOUNT_NOT_FOUND', 404, {
  vi: 'Không tìm thấy tài khoản.',
  en: 'Account not found.',
});
export const ClientNotFound = defineError('CLIENT_NOT_FOUND', 404, {
  vi: 'Không tìm thấy tài khoản máy.',
  en: 'Machine client not found.',
});
export const AgencyNotFound = defineError('AGENCY_NOT_FOUND', 404, {
  vi: 'Không tìm thấy cơ quan.',
  en: 'Agency not found.',
});
export const UsernameTaken = defineError('USERNAME_TAKEN', 409, {
  vi: 'Tên đăng nhập này đã được dùng.',
  en: 'This username is already taken.',
});
export const CurrentPasswordWrong = defineError('CURRENT_PASSWORD_WRONG', 400, {
  vi: 'Mật khẩu hiện tại không đúng.',
  en: 'The current password is wrong.',
});
export const PasswordTooWeak = defineError('PASSWORD_TOO_WEAK', 400, {
  vi: 'Mật khẩu mới cần từ 10 đến 200 ký tự và khác tên đăng nhập.',
  en: 'The new password needs 10 to 200 characters and must differ from the username.',
});
export const TotpNotPending = defineError('TOTP_NOT_PENDING', 409, {
  vi: 'Chưa bắt đầu đăng ký xác thực hai lớp.',
  en: 'Two-factor enrolment has not been started.',
});
export const RoleNotGrantable = defineError('ROLE_NOT_GRANTABLE', 403, {
  vi: 'Bạn không thể cấp vai trò quản trị nền tảng.',
  en: 'You cannot grant the platform administrator role.',
});

// ---- Citizen and business side ----

/** Fields of a registration or profile form that failed their checks; `details.fields` names the rule. */
export const CitizenInputInvalid = defineError('IDENTITY_INPUT_INVALID', 400, {
  vi: 'Thông tin chưa hợp lệ; hãy sửa các mục được đánh dấu.',
  en: 'Some details are not valid; correct the marked fields.',
});
/** Says only that an account exists for the address the person typed: never whose, never any data. */
export const ContactTaken = defineError('IDENTITY_CONTACT_TAKEN', 409, {
  vi: 'Địa chỉ thư điện tử hoặc số điện thoại này đã được dùng cho một tài khoản. Hãy đăng nhập, hoặc dùng địa chỉ khác.',
  en: 'This email address or phone number already belongs to an account. Sign in, or use another one.',
});
export const PersonalIdTaken = defineError('IDENTITY_PERSONAL_ID_TAKEN', 409, {
  vi: 'Số định danh cá nhân này đã gắn với một tài khoản. Nếu đó là số của bạn, hãy đăng nhập hoặc đăng nhập bằng tài khoản định danh điện tử.',
  en: 'This personal identification number is already linked to an account. If it is yours, sign in or use your electronic identity.',
});
export const TaxCodeTaken = defineError('IDENTITY_TAX_CODE_TAKEN', 409, {
  vi: 'Mã số thuế này đã gắn với một tài khoản doanh nghiệp.',
  en: 'This tax code is already linked to a business account.',
});
export const VerificationCodeWrong = defineError('IDENTITY_CODE_WRONG', 400, {
  vi: 'Mã xác thực không đúng.',
  en: 'The verification code is wrong.',
});
export const RegistrationExpired = defineError('IDENTITY_REGISTRATION_EXPIRED', 410, {
  vi: 'Mã xác thực đã hết hạn hoặc đã nhập sai quá số lần cho phép. Hãy đăng ký lại.',
  en: 'The verification code has expired or was entered wrongly too many times. Register again.',
});
export const NotifyUnavailable = defineError('IDENTITY_NOTIFY_UNAVAILABLE', 503, {
  vi: 'Chưa gửi được mã xác thực vì dịch vụ thông báo chưa được cấu hình.',
  en: 'The verification code cannot be sent: notifications are not configured.',
});
export const CitizenNotFound = defineError('IDENTITY_CITIZEN_NOT_FOUND', 404, {
  vi: 'Không tìm thấy công dân hoặc doanh nghiệp.',
  en: 'Citizen or business not found.',
});
export const OidcClientNotFound = defineError('IDENTITY_OIDC_CLIENT_NOT_FOUND', 404, {
  vi: 'Không tìm thấy ứng dụng đăng nhập một lần.',
  en: 'Single sign-on application not found.',
});
export const UpstreamLoginFailed = defineError('IDENTITY_UPSTREAM_LOGIN_FAILED', 401, {
  vi: 'Không đăng nhập được bằng tài khoản định danh điện tử. Hãy thử lại.',
  en: 'Signing in with the electronic identity failed. Try again.',
});
export const UnitNotFound = defineError('IDENTITY_UNIT_NOT_FOUND', 404, {
  vi: 'Không tìm thấy đơn vị trực thuộc cơ quan của cán bộ.',
  en: 'No such unit within the official’s agency.',
});

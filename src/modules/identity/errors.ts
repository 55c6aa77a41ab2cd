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

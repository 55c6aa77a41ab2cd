/** Civil status (hộ tịch) and judicial records: birth, marriage, death, criminal record certificate. */
import {
  applicantFields,
  deliveryAddress,
  deliveryField,
  f,
  fee,
  ONLINE_COUNTER_POST,
  paper,
  pledge,
  req,
  type SeedProcedure,
} from './common.ts';

const HO_TICH = { code: 'HO_TICH', name: 'Hộ tịch' };
const HO_TICH_LAW = [
  { number: '60/2014/QH13', title: 'Luật Hộ tịch', issuedOn: '2014-11-20' },
  {
    number: '123/2015/NĐ-CP',
    title: 'Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch',
    issuedOn: '2015-11-15',
  },
  {
    number: '04/2020/TT-BTP',
    title: 'Thông tư quy định chi tiết thi hành Luật Hộ tịch và Nghị định 123/2015/NĐ-CP',
    issuedOn: '2020-05-28',
  },
  {
    number: '87/2020/NĐ-CP',
    title: 'Nghị định quy định về Cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch trực tuyến',
    issuedOn: '2020-07-28',
  },
];
const COMMUNE = 'Ủy ban nhân dân cấp xã';

function person(prefix: string, label: string) {
  return f.group(prefix, label, [
    f.text('fullName', 'Họ, chữ đệm, tên', { ...req, maxLength: 100 }),
    f.date('birthDate', 'Ngày, tháng, năm sinh', { ...req, maxDate: 'today' }),
    f.text('ethnicity', 'Dân tộc', { ...req, maxLength: 50 }),
    f.text('nationality', 'Quốc tịch', { ...req, maxLength: 50 }),
    f.id('idNumber', 'Số định danh cá nhân', { ...req }),
    f.text('residence', 'Nơi cư trú', { ...req, maxLength: 300 }),
  ]);
}

export const birthRegistration: SeedProcedure = {
  content: {
    code: '1.001193',
    codeConfirmed: false,
    name: 'Đăng ký khai sinh',
    sector: HO_TICH,
    applicants: ['citizen'],
    agencies: { kinds: ['commune'], description: `${COMMUNE} nơi cư trú của người cha hoặc người mẹ` },
    where:
      'Bộ phận Một cửa của Ủy ban nhân dân cấp xã nơi cư trú của cha hoặc mẹ, hoặc trực tuyến trên Cổng Dịch vụ công',
    channels: ONLINE_COUNTER_POST,
    steps: [
      'Người yêu cầu nộp tờ khai và giấy chứng sinh (hoặc giấy tờ thay thế) trực tuyến hoặc tại Bộ phận Một cửa.',
      'Công chức tư pháp – hộ tịch kiểm tra; nếu đủ điều kiện thì ghi vào Sổ hộ tịch, cập nhật Cơ sở dữ liệu hộ tịch điện tử và cấp số định danh cá nhân cho trẻ.',
      'Chủ tịch Ủy ban nhân dân cấp xã ký Giấy khai sinh; trả kết quả cho người yêu cầu.',
    ],
    papers: [
      paper('toKhai', 'Tờ khai đăng ký khai sinh (theo mẫu)', { template: { kind: 'generated' } }),
      paper(
        'giayChungSinh',
        'Giấy chứng sinh; nếu không có thì văn bản của người làm chứng hoặc giấy cam đoan về việc sinh',
      ),
      paper('uyQuyen', 'Văn bản ủy quyền có chứng thực', {
        requirement: 'conditional',
        condition: 'khi ủy quyền cho người khác đăng ký (trừ ông, bà, người thân thích)',
      }),
    ],
    form: {
      fields: [
        f.text('childName', 'Họ, chữ đệm, tên của trẻ', {
          ...req,
          maxLength: 100,
          labelEn: 'Child’s full name',
        }),
        f.choice('childSex', 'Giới tính', ['nam:Nam', 'nu:Nữ'], { ...req, labelEn: 'Sex' }),
        f.date('childBirthDate', 'Ngày, tháng, năm sinh', {
          ...req,
          maxDate: 'today',
          labelEn: 'Date of birth',
        }),
        f.text('birthPlace', 'Nơi sinh (cơ sở y tế hoặc địa danh)', { ...req, maxLength: 300 }),
        f.text('childEthnicity', 'Dân tộc', { ...req, maxLength: 50 }),
        f.text('childNationality', 'Quốc tịch', { ...req, maxLength: 50 }),
        f.text('hometown', 'Quê quán', { maxLength: 200 }),
        person('mother', 'Thông tin người mẹ'),
        f.check('fatherKnown', 'Có thông tin người cha'),
        { ...person('father', 'Thông tin người cha'), showWhen: { field: 'fatherKnown', equals: true } },
        ...applicantFields(),
        f.choice(
          'relation',
          'Quan hệ với trẻ',
          ['me:Mẹ', 'cha:Cha', 'ong_ba:Ông, bà', 'khac:Người khác'],
          req,
        ),
        f.text('relationOther', 'Ghi rõ quan hệ', {
          ...req,
          maxLength: 100,
          showWhen: { field: 'relation', equals: 'khac' },
        }),
        f.choice('copies', 'Số bản sao trích lục đề nghị cấp', ['0', '1', '2', '3', '4', '5']),
        deliveryField(),
        deliveryAddress(),
        pledge(),
      ],
    },
    fees: [
      fee('Lệ phí đăng ký khai sinh đúng hạn', 0, {
        condition: 'miễn lệ phí khi đăng ký trong thời hạn 60 ngày kể từ ngày sinh',
      }),
      fee('Phí cấp bản sao trích lục', 8000, {
        kind: 'phi',
        condition: 'mỗi bản sao, nếu có yêu cầu',
        perUnit: { field: 'copies' },
      }),
    ],
    timeLimit: {
      workingDays: 0,
      note: 'Ngay trong ngày tiếp nhận; hồ sơ nhận sau 15 giờ được trả trong ngày làm việc tiếp theo',
    },
    level: { decree42: 'toan_trinh', legacy: 4 },
    result: { type: 'both', name: 'Giấy khai sinh (bản chính, bản điện tử)' },
    legalBasis: HO_TICH_LAW,
    note: 'Mã TTHC và mức phí cấp bản sao trích lục chưa được đối chiếu với Cơ sở dữ liệu quốc gia về TTHC (unconfirmed).',
  },
};

export const marriageRegistration: SeedProcedure = {
  content: {
    code: '1.000894',
    codeConfirmed: false,
    name: 'Đăng ký kết hôn',
    sector: HO_TICH,
    applicants: ['citizen'],
    agencies: { kinds: ['commune'], description: `${COMMUNE} nơi cư trú của bên nam hoặc bên nữ` },
    where: 'Bộ phận Một cửa của Ủy ban nhân dân cấp xã nơi cư trú của một trong hai bên',
    channels: ONLINE_COUNTER_POST,
    steps: [
      'Hai bên nộp tờ khai đăng ký kết hôn (trực tuyến hoặc trực tiếp).',
      'Công chức tư pháp – hộ tịch kiểm tra điều kiện kết hôn, xác minh khi cần.',
      'Hai bên có mặt, ký Giấy chứng nhận kết hôn và Sổ hộ tịch; mỗi bên nhận một bản chính.',
    ],
    papers: [
      paper('toKhai', 'Tờ khai đăng ký kết hôn (theo mẫu)', { template: { kind: 'generated' } }),
      paper('xacNhanHonNhan', 'Giấy xác nhận tình trạng hôn nhân', {
        requirement: 'conditional',
        condition: 'khi bên kết hôn không cư trú tại xã nơi đăng ký và thông tin chưa có trong cơ sở dữ liệu',
      }),
      paper('banAnLyHon', 'Bản án, quyết định ly hôn đã có hiệu lực', {
        copyKind: 'copy',
        requirement: 'conditional',
        condition: 'khi một bên đã ly hôn ở nước ngoài và chưa ghi chú vào sổ hộ tịch',
      }),
    ],
    form: {
      fields: [
        person('husband', 'Bên nam'),
        person('wife', 'Bên nữ'),
        f.choice(
          'husbandPrevious',
          'Tình trạng hôn nhân trước đây của bên nam',
          ['chua:Chưa kết hôn', 'ly_hon:Đã ly hôn', 'goa:Vợ đã chết'],
          req,
        ),
        f.choice(
          'wifePrevious',
          'Tình trạng hôn nhân trước đây của bên nữ',
          ['chua:Chưa kết hôn', 'ly_hon:Đã ly hôn', 'goa:Chồng đã chết'],
          req,
        ),
        ...applicantFields(),
        f.date('ceremonyDate', 'Ngày đề nghị tổ chức trao Giấy chứng nhận kết hôn', { minDate: 'today' }),
        pledge(),
      ],
    },
    fees: [fee('Lệ phí đăng ký kết hôn', 0, { condition: 'miễn cho công dân Việt Nam cư trú ở trong nước' })],
    timeLimit: {
      workingDays: 0,
      note: 'Ngay trong ngày; nếu cần xác minh điều kiện kết hôn thì không quá 05 ngày làm việc',
    },
    level: { decree42: 'mot_phan', legacy: 3 },
    result: { type: 'paper', name: 'Giấy chứng nhận kết hôn (02 bản chính)' },
    legalBasis: [
      { number: '52/2014/QH13', title: 'Luật Hôn nhân và gia đình', issuedOn: '2014-06-19' },
      ...HO_TICH_LAW,
    ],
    note: 'Hai bên phải có mặt khi trao Giấy chứng nhận kết hôn, nên chỉ cung cấp trực tuyến một phần. Mã TTHC chưa được đối chiếu (unconfirmed).',
  },
};

export const deathRegistration: SeedProcedure = {
  content: {
    code: '1.000656',
    codeConfirmed: false,
    name: 'Đăng ký khai tử',
    sector: HO_TICH,
    applicants: ['citizen'],
    agencies: { kinds: ['commune'], description: `${COMMUNE} nơi cư trú cuối cùng của người chết` },
    where: 'Bộ phận Một cửa của Ủy ban nhân dân cấp xã nơi cư trú cuối cùng của người chết, hoặc trực tuyến',
    channels: ONLINE_COUNTER_POST,
    steps: [
      'Người đi khai tử nộp tờ khai và giấy báo tử (hoặc giấy tờ thay thế) trong 15 ngày kể từ ngày chết.',
      'Công chức tư pháp – hộ tịch ghi vào Sổ hộ tịch, cập nhật Cơ sở dữ liệu hộ tịch điện tử; Chủ tịch Ủy ban nhân dân cấp xã cấp trích lục khai tử.',
    ],
    papers: [
      paper('toKhai', 'Tờ khai đăng ký khai tử (theo mẫu)', { template: { kind: 'generated' } }),
      paper('giayBaoTu', 'Giấy báo tử hoặc giấy tờ thay thế giấy báo tử do cơ quan có thẩm quyền cấp'),
    ],
    form: {
      fields: [
        f.text('deceasedName', 'Họ, chữ đệm, tên người chết', {
          ...req,
          maxLength: 100,
          labelEn: 'Full name of the deceased',
        }),
        f.id('deceasedId', 'Số định danh cá nhân của người chết', req),
        f.date('deceasedBirthDate', 'Ngày, tháng, năm sinh', { ...req, maxDate: 'today' }),
        f.date('deathDate', 'Ngày chết', { ...req, maxDate: 'today', labelEn: 'Date of death' }),
        f.text('deathTime', 'Giờ, phút chết', {
          pattern: '([01]\\d|2[0-3]):[0-5]\\d',
          maxLength: 5,
          hint: 'Ví dụ 14:30',
        }),
        f.text('deathPlace', 'Nơi chết', { ...req, maxLength: 300 }),
        f.text('deathCause', 'Nguyên nhân chết', { maxLength: 300 }),
        f.text('deathNoticeNumber', 'Số giấy báo tử', { maxLength: 50 }),
        ...applicantFields(),
        f.choice(
          'relation',
          'Quan hệ với người chết',
          ['vo_chong:Vợ, chồng', 'con:Con', 'cha_me:Cha, mẹ', 'khac:Người thân khác'],
          req,
        ),
        deliveryField(),
        deliveryAddress(),
        pledge(),
      ],
    },
    fees: [
      fee('Lệ phí đăng ký khai tử đúng hạn', 0, {
        condition: 'miễn lệ phí khi đăng ký trong thời hạn 15 ngày kể từ ngày chết',
      }),
    ],
    timeLimit: { workingDays: 0, note: 'Ngay trong ngày; nếu cần xác minh thì không quá 03 ngày làm việc' },
    level: { decree42: 'toan_trinh', legacy: 4 },
    result: { type: 'both', name: 'Trích lục khai tử' },
    legalBasis: HO_TICH_LAW,
    note: 'Thuộc nhóm liên thông khai tử – xóa đăng ký thường trú – hưởng mai táng phí, tử tuất (Nghị định 63/2024/NĐ-CP). Mã TTHC chưa được đối chiếu (unconfirmed).',
  },
};

export const criminalRecord: SeedProcedure = {
  agencyCodes: ['000.00.00.G01'],
  content: {
    code: '2.000488',
    codeConfirmed: false,
    name: 'Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam',
    sector: { code: 'LY_LICH_TU_PHAP', name: 'Lý lịch tư pháp' },
    applicants: ['citizen'],
    agencies: {
      kinds: ['department'],
      description:
        'Công an cấp tỉnh nơi thường trú hoặc tạm trú (trước 01/07/2025: Sở Tư pháp); Trung tâm Lý lịch tư pháp quốc gia đối với một số trường hợp',
    },
    where:
      'Bộ phận Một cửa của cơ quan cấp Phiếu, hoặc trực tuyến trên Cổng Dịch vụ công quốc gia, ứng dụng VNeID',
    channels: ONLINE_COUNTER_POST,
    steps: [
      'Nộp tờ khai yêu cầu cấp Phiếu lý lịch tư pháp và lệ phí.',
      'Cơ quan cấp Phiếu tra cứu, xác minh thông tin lý lịch tư pháp về án tích và về cấm đảm nhiệm chức vụ (nếu có yêu cầu).',
      'Cấp Phiếu lý lịch tư pháp số 1 hoặc số 2.',
    ],
    papers: [
      paper('toKhai', 'Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (theo mẫu)', {
        template: { kind: 'generated' },
      }),
      paper('uyQuyen', 'Văn bản ủy quyền', {
        requirement: 'conditional',
        condition: 'khi ủy quyền làm thủ tục yêu cầu cấp Phiếu số 1',
      }),
    ],
    form: {
      fields: [
        f.text('fullName', 'Họ, chữ đệm, tên', { ...req, maxLength: 100, labelEn: 'Full name' }),
        f.text('otherNames', 'Tên gọi khác', { maxLength: 100 }),
        f.choice('sex', 'Giới tính', ['nam:Nam', 'nu:Nữ'], req),
        f.date('birthDate', 'Ngày, tháng, năm sinh', { ...req, maxDate: 'today' }),
        f.text('birthPlace', 'Nơi sinh', { ...req, maxLength: 200 }),
        f.text('nationality', 'Quốc tịch', { ...req, maxLength: 50 }),
        f.id('idNumber', 'Số định danh cá nhân', req),
        f.text('fatherName', 'Họ tên cha', { maxLength: 100 }),
        f.text('motherName', 'Họ tên mẹ', { maxLength: 100 }),
        f.text('spouseName', 'Họ tên vợ/chồng', { maxLength: 100 }),
        f.group(
          'residences',
          'Quá trình cư trú (từ đủ 14 tuổi)',
          [
            f.text('period', 'Từ tháng, năm đến tháng, năm', {
              ...req,
              maxLength: 50,
              hint: 'Ví dụ 09/2010 - 06/2014',
            }),
            f.text('address', 'Nơi thường trú, tạm trú', { ...req, maxLength: 300 }),
            f.text('occupation', 'Nghề nghiệp, nơi làm việc', { maxLength: 200 }),
          ],
          { repeatable: true, minItems: 1, maxItems: 20, required: true },
        ),
        f.choice(
          'certificateType',
          'Loại Phiếu đề nghị cấp',
          ['1:Phiếu lý lịch tư pháp số 1', '2:Phiếu lý lịch tư pháp số 2'],
          req,
        ),
        f.check(
          'banInfo',
          'Yêu cầu xác nhận về việc cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã',
          {
            showWhen: { field: 'certificateType', equals: '1' },
          },
        ),
        f.text('purpose', 'Mục đích sử dụng Phiếu', { ...req, maxLength: 200 }),
        f.num('copies', 'Số lượng Phiếu đề nghị cấp', { ...req, min: 1, max: 10 }),
        f.check(
          'reducedFee',
          'Thuộc đối tượng được giảm 50% phí (sinh viên, người có công với cách mạng, thân nhân liệt sĩ)',
          {
            labelEn:
              'Entitled to the reduced fee (students, people with meritorious services, relatives of martyrs)',
          },
        ),
        f.phone('phone', 'Số điện thoại', req),
        f.email('email', 'Thư điện tử'),
        deliveryField(),
        deliveryAddress(),
        pledge(),
      ],
    },
    fees: [
      fee('Phí cung cấp thông tin lý lịch tư pháp', 200000, {
        kind: 'phi',
        unless: { field: 'reducedFee', equals: true },
      }),
      fee('Phí cung cấp thông tin lý lịch tư pháp (giảm)', 100000, {
        kind: 'phi',
        condition: 'sinh viên, người có công với cách mạng, thân nhân liệt sĩ',
        when: { field: 'reducedFee', equals: true },
      }),
      fee('Phí cấp từ Phiếu thứ 3 trở đi', 5000, {
        kind: 'phi',
        condition: 'mỗi Phiếu thêm trong cùng một lần yêu cầu',
        perUnit: { field: 'copies', free: 2 },
      }),
    ],
    feeNote:
      'Miễn phí đối với trẻ em, người cao tuổi, người khuyết tật, người thuộc hộ nghèo và một số đối tượng khác theo quy định.',
    timeLimit: {
      workingDays: 10,
      note: 'Không quá 15 ngày đối với trường hợp phải xác minh ở nhiều nơi hoặc có yếu tố nước ngoài',
    },
    level: { decree42: 'toan_trinh', legacy: 4 },
    result: { type: 'both', name: 'Phiếu lý lịch tư pháp số 1 hoặc số 2' },
    legalBasis: [
      { number: '28/2009/QH12', title: 'Luật Lý lịch tư pháp', issuedOn: '2009-06-17' },
      {
        number: '244/2016/TT-BTC',
        title:
          'Thông tư quy định mức thu, chế độ thu, nộp, quản lý và sử dụng phí cung cấp thông tin lý lịch tư pháp',
      },
    ],
    note: 'Cơ quan cấp Phiếu từ 01/07/2025 (Công an cấp tỉnh thay Sở Tư pháp), mức phí và mã TTHC chưa được đối chiếu với văn bản gốc (unconfirmed).',
  },
};

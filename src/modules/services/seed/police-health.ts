/** Residence, passports, driving licences (police) and health insurance for young children. */
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

export const permanentResidence: SeedProcedure = {
  content: {
    code: '1.004194',
    codeConfirmed: false,
    name: 'Đăng ký thường trú',
    sector: { code: 'CU_TRU', name: 'Đăng ký, quản lý cư trú' },
    applicants: ['citizen'],
    agencies: { kinds: ['commune'], description: 'Công an cấp xã nơi đăng ký thường trú' },
    where:
      'Công an cấp xã nơi có chỗ ở hợp pháp, hoặc trực tuyến trên Cổng Dịch vụ công quốc gia, ứng dụng VNeID',
    channels: ['online', 'counter'],
    steps: [
      'Nộp tờ khai thay đổi thông tin cư trú và giấy tờ chứng minh chỗ ở hợp pháp.',
      'Cơ quan đăng ký cư trú kiểm tra, cập nhật thông tin vào Cơ sở dữ liệu về cư trú và thông báo cho người đăng ký.',
    ],
    papers: [
      paper('ct01', 'Tờ khai thay đổi thông tin cư trú (Mẫu CT01)', { template: { kind: 'generated' } }),
      paper('choOHopPhap', 'Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp', {
        copyKind: 'original_or_copy',
        requirement: 'conditional',
        condition: 'trừ khi thông tin đã có trong cơ sở dữ liệu chuyên ngành',
      }),
      paper('dongYChuHo', 'Ý kiến đồng ý của chủ hộ, chủ sở hữu chỗ ở hợp pháp', {
        requirement: 'conditional',
        condition: 'khi đăng ký vào chỗ ở của người khác hoặc nhập vào hộ gia đình đã có',
      }),
    ],
    form: {
      fields: [
        f.text('fullName', 'Họ, chữ đệm, tên', { ...req, maxLength: 100, labelEn: 'Full name' }),
        f.id('idNumber', 'Số định danh cá nhân', req),
        f.date('birthDate', 'Ngày, tháng, năm sinh', { ...req, maxDate: 'today' }),
        f.unit('province', 'Tỉnh, thành phố nơi đăng ký', { ...req, adminUnitLevel: 'province' }),
        f.unit('commune', 'Xã, phường, đặc khu nơi đăng ký', { ...req, adminUnitLevel: 'commune' }),
        f.text('address', 'Địa chỉ chỗ ở (số nhà, đường, thôn, tổ dân phố)', { ...req, maxLength: 300 }),
        f.choice(
          'basis',
          'Căn cứ đăng ký',
          [
            'so_huu:Chỗ ở thuộc quyền sở hữu',
            'thue_muon:Thuê, mượn, ở nhờ',
            've_o_voi_nguoi_than:Về ở với người thân',
            'khac:Trường hợp khác',
          ],
          req,
        ),
        f.text('ownerName', 'Họ tên chủ hộ hoặc chủ sở hữu', {
          ...req,
          maxLength: 100,
          showWhen: { field: 'basis', in: ['thue_muon', 've_o_voi_nguoi_than'] },
        }),
        f.num('floorArea', 'Diện tích sàn thuê, mượn, ở nhờ (m²)', {
          min: 1,
          max: 100000,
          showWhen: { field: 'basis', equals: 'thue_muon' },
        }),
        f.group(
          'members',
          'Người cùng thay đổi nơi thường trú',
          [
            f.text('fullName', 'Họ, chữ đệm, tên', { ...req, maxLength: 100 }),
            f.id('idNumber', 'Số định danh cá nhân', req),
            f.text('relation', 'Quan hệ với người đăng ký', { ...req, maxLength: 50 }),
          ],
          { repeatable: true, maxItems: 20 },
        ),
        f.phone('phone', 'Số điện thoại', req),
        f.email('email', 'Thư điện tử'),
        pledge(),
      ],
    },
    fees: [
      fee('Lệ phí đăng ký thường trú', 20000, {
        condition: 'nộp hồ sơ trực tiếp',
        channels: ['counter', 'post'],
      }),
      fee('Lệ phí đăng ký thường trú (trực tuyến)', 10000, {
        condition: 'nộp hồ sơ trực tuyến',
        channels: ['online'],
      }),
    ],
    timeLimit: { workingDays: 7 },
    level: { decree42: 'toan_trinh', legacy: 4 },
    result: {
      type: 'electronic',
      name: 'Thông tin thường trú được cập nhật vào Cơ sở dữ liệu về cư trú; thông báo kết quả',
    },
    legalBasis: [
      { number: '68/2020/QH14', title: 'Luật Cư trú', issuedOn: '2020-11-13' },
      { number: '154/2024/NĐ-CP', title: 'Nghị định quy định chi tiết một số điều của Luật Cư trú' },
      {
        number: '75/2022/TT-BTC',
        title: 'Thông tư quy định mức thu, chế độ thu, nộp, quản lý lệ phí đăng ký cư trú',
      },
    ],
    note: 'Mã TTHC, số hiệu nghị định hướng dẫn và mức lệ phí chưa được đối chiếu với văn bản gốc (unconfirmed). Trẻ dưới 6 tuổi có thể đăng ký qua nhóm liên thông khai sinh – thường trú – BHYT.',
  },
};

export const passport: SeedProcedure = {
  agencyCodes: ['000.00.00.G01'],
  content: {
    code: '2.001620',
    codeConfirmed: false,
    name: 'Cấp hộ chiếu phổ thông ở trong nước',
    sector: { code: 'XUAT_NHAP_CANH', name: 'Quản lý xuất nhập cảnh' },
    applicants: ['citizen'],
    agencies: {
      kinds: ['department'],
      description: 'Phòng Quản lý xuất nhập cảnh Công an cấp tỉnh; Cục Quản lý xuất nhập cảnh, Bộ Công an',
    },
    where:
      'Phòng Quản lý xuất nhập cảnh Công an cấp tỉnh nơi thường trú, tạm trú hoặc nơi thuận lợi; hoặc trực tuyến',
    channels: ONLINE_COUNTER_POST,
    steps: [
      'Khai tờ khai đề nghị cấp hộ chiếu, nộp ảnh và lệ phí.',
      'Cơ quan Quản lý xuất nhập cảnh kiểm tra, thu vân tay (hộ chiếu gắn chíp), cấp giấy hẹn.',
      'Trả hộ chiếu trực tiếp hoặc qua bưu chính.',
    ],
    papers: [
      paper('tk01', 'Tờ khai đề nghị cấp hộ chiếu phổ thông (Mẫu TK01)', { template: { kind: 'generated' } }),
      paper('anh', 'Ảnh chân dung cỡ 4x6 cm, nền trắng', {
        count: 2,
        requirement: 'conditional',
        condition: 'khi nộp trực tiếp; nộp trực tuyến thì tải ảnh lên',
      }),
      paper('hoChieuCu', 'Hộ chiếu đã cấp lần gần nhất', {
        requirement: 'conditional',
        condition: 'khi hộ chiếu cũ còn giá trị sử dụng',
      }),
      paper('khaiSinhTre', 'Bản sao giấy khai sinh hoặc trích lục khai sinh', {
        copyKind: 'copy',
        requirement: 'conditional',
        condition: 'người dưới 14 tuổi chưa có số định danh cá nhân',
      }),
    ],
    form: {
      fields: [
        f.text('fullName', 'Họ, chữ đệm, tên', { ...req, maxLength: 100, labelEn: 'Full name' }),
        f.choice('sex', 'Giới tính', ['nam:Nam', 'nu:Nữ'], req),
        f.date('birthDate', 'Ngày, tháng, năm sinh', { ...req, maxDate: 'today' }),
        f.text('birthPlace', 'Nơi sinh (tỉnh, thành phố)', { ...req, maxLength: 100 }),
        f.id('idNumber', 'Số định danh cá nhân', req),
        f.choice(
          'passportKind',
          'Loại hộ chiếu',
          ['chip:Hộ chiếu có gắn chíp điện tử', 'khong_chip:Hộ chiếu không gắn chíp điện tử'],
          req,
        ),
        f.check('hadPassport', 'Đã được cấp hộ chiếu trước đây'),
        f.text('previousPassport', 'Số hộ chiếu đã cấp gần nhất', {
          ...req,
          pattern: '[A-Z]\\d{7,8}',
          maxLength: 9,
          showWhen: { field: 'hadPassport', equals: true },
        }),
        f.choice(
          'previousStatus',
          'Tình trạng hộ chiếu cũ',
          ['con_han:Còn hạn', 'het_han:Hết hạn', 'mat:Bị mất', 'hong:Bị hỏng'],
          {
            ...req,
            showWhen: { field: 'hadPassport', equals: true },
          },
        ),
        f.check('under14', 'Đề nghị cấp cho người dưới 14 tuổi'),
        f.group(
          'representative',
          'Người đại diện theo pháp luật',
          [
            f.text('fullName', 'Họ, chữ đệm, tên', { ...req, maxLength: 100 }),
            f.id('idNumber', 'Số định danh cá nhân', req),
            f.text('relation', 'Quan hệ', { ...req, maxLength: 50 }),
          ],
          { showWhen: { field: 'under14', equals: true } },
        ),
        f.phone('phone', 'Số điện thoại', req),
        f.email('email', 'Thư điện tử'),
        deliveryField(),
        deliveryAddress(),
        pledge(),
      ],
    },
    fees: [
      fee('Lệ phí cấp mới hộ chiếu', 200000, {
        unless: { field: 'previousStatus', in: ['mat', 'hong'] },
      }),
      fee('Lệ phí cấp lại hộ chiếu do bị hỏng hoặc bị mất', 400000, {
        condition: 'khi hộ chiếu cũ bị mất hoặc bị hỏng',
        when: { field: 'previousStatus', in: ['mat', 'hong'] },
      }),
    ],
    timeLimit: { workingDays: 8 },
    level: { decree42: 'toan_trinh', legacy: 4 },
    result: { type: 'paper', name: 'Hộ chiếu phổ thông' },
    legalBasis: [
      {
        number: '49/2019/QH14',
        title: 'Luật Xuất cảnh, nhập cảnh của công dân Việt Nam',
        issuedOn: '2019-11-22',
      },
      {
        number: '25/2021/TT-BTC',
        title:
          'Thông tư quy định mức thu, chế độ thu, nộp, quản lý và sử dụng phí, lệ phí trong lĩnh vực xuất nhập cảnh',
      },
    ],
    note: 'Mã TTHC, số hiệu mẫu tờ khai và mức lệ phí hiện hành chưa được đối chiếu (unconfirmed).',
  },
};

export const driverLicenceRenewal: SeedProcedure = {
  agencyCodes: ['000.00.00.G01'],
  content: {
    code: '1.002804',
    codeConfirmed: false,
    name: 'Cấp đổi giấy phép lái xe',
    sector: { code: 'DUONG_BO', name: 'Đường bộ' },
    applicants: ['citizen'],
    agencies: {
      kinds: ['department'],
      description:
        'Phòng Cảnh sát giao thông Công an cấp tỉnh (từ 01/03/2025; trước đó Sở Giao thông vận tải)',
    },
    where:
      'Phòng Cảnh sát giao thông Công an cấp tỉnh, hoặc trực tuyến trên Cổng Dịch vụ công quốc gia, ứng dụng VNeID',
    channels: ONLINE_COUNTER_POST,
    steps: [
      'Nộp đơn đề nghị đổi giấy phép lái xe, giấy khám sức khỏe (nếu phải có) và lệ phí.',
      'Cơ quan cấp kiểm tra, đối chiếu dữ liệu giấy phép lái xe, cấp giấy phép lái xe mới.',
    ],
    papers: [
      paper('donDoi', 'Đơn đề nghị đổi, cấp lại giấy phép lái xe (theo mẫu)', {
        template: { kind: 'generated' },
      }),
      paper('sucKhoe', 'Giấy khám sức khỏe của người lái xe do cơ sở y tế có thẩm quyền cấp', {
        requirement: 'conditional',
        condition:
          'đổi giấy phép hạng B trở lên hoặc giấy phép hết hạn; không cần nếu dữ liệu khám sức khỏe đã liên thông điện tử',
      }),
    ],
    form: {
      fields: [
        f.text('fullName', 'Họ, chữ đệm, tên', { ...req, maxLength: 100, labelEn: 'Full name' }),
        f.id('idNumber', 'Số định danh cá nhân', req),
        f.text('licenceNumber', 'Số giấy phép lái xe', {
          ...req,
          pattern: '\\d{12}',
          maxLength: 12,
          hint: '12 chữ số',
        }),
        f.choice(
          'licenceClass',
          'Hạng giấy phép lái xe',
          ['A1', 'A', 'B1', 'B', 'C1', 'C', 'D1', 'D2', 'D', 'BE', 'C1E', 'CE', 'D1E', 'D2E', 'DE'],
          req,
        ),
        f.date('expiryDate', 'Ngày hết hạn ghi trên giấy phép', { ...req }),
        f.choice(
          'reason',
          'Lý do đổi',
          ['het_han:Sắp hết hạn, hết hạn', 'hong:Bị hỏng', 'thay_doi:Thay đổi thông tin', 'khac:Lý do khác'],
          req,
        ),
        f.text('reasonOther', 'Ghi rõ lý do', {
          ...req,
          maxLength: 200,
          showWhen: { field: 'reason', equals: 'khac' },
        }),
        f.text('healthCertificate', 'Số giấy khám sức khỏe', {
          maxLength: 50,
          showWhen: {
            field: 'licenceClass',
            in: ['B', 'C1', 'C', 'D1', 'D2', 'D', 'BE', 'C1E', 'CE', 'D1E', 'D2E', 'DE'],
          },
        }),
        f.phone('phone', 'Số điện thoại', req),
        deliveryField(),
        deliveryAddress(),
        pledge(),
      ],
    },
    fees: [fee('Lệ phí cấp đổi giấy phép lái xe', 135000)],
    timeLimit: { workingDays: 5 },
    level: { decree42: 'toan_trinh', legacy: 4 },
    result: { type: 'both', name: 'Giấy phép lái xe (bản giấy PET và bản điện tử trên VNeID)' },
    legalBasis: [
      { number: '36/2024/QH15', title: 'Luật Trật tự, an toàn giao thông đường bộ', issuedOn: '2024-06-27' },
      { number: '35/2024/TT-BCA', title: 'Thông tư quy định về sát hạch, cấp giấy phép lái xe' },
      {
        number: '37/2023/TT-BTC',
        title: 'Thông tư quy định mức thu, chế độ thu, nộp, quản lý lệ phí cấp giấy phép lái xe',
      },
    ],
    note: 'Thẩm quyền của Công an từ 01/03/2025, số hiệu thông tư hướng dẫn, mức lệ phí, thời hạn và mã TTHC chưa được đối chiếu (unconfirmed).',
  },
};

export const childHealthInsurance: SeedProcedure = {
  content: {
    code: '1.000291',
    codeConfirmed: false,
    name: 'Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi',
    sector: { code: 'BHYT', name: 'Thu bảo hiểm xã hội, bảo hiểm y tế, cấp sổ, thẻ' },
    applicants: ['citizen'],
    agencies: { kinds: ['unit'], description: 'Bảo hiểm xã hội cơ sở nơi trẻ cư trú' },
    where: 'Bảo hiểm xã hội cơ sở, Ủy ban nhân dân cấp xã (khi liên thông), hoặc trực tuyến',
    channels: ONLINE_COUNTER_POST,
    steps: [
      'Nộp tờ khai tham gia bảo hiểm y tế cho trẻ (hoặc qua nhóm liên thông khi đăng ký khai sinh).',
      'Cơ quan bảo hiểm xã hội cấp thẻ bảo hiểm y tế; thẻ điện tử hiển thị trên VNeID.',
    ],
    papers: [
      paper('tk1ts', 'Tờ khai tham gia, điều chỉnh thông tin bảo hiểm xã hội, bảo hiểm y tế (Mẫu TK1-TS)', {
        template: { kind: 'generated' },
        requirement: 'conditional',
        condition: 'khi không thực hiện qua nhóm thủ tục liên thông',
      }),
    ],
    form: {
      fields: [
        f.text('childName', 'Họ, chữ đệm, tên của trẻ', {
          ...req,
          maxLength: 100,
          labelEn: 'Child’s full name',
        }),
        f.id('childId', 'Số định danh cá nhân của trẻ', req),
        f.date('childBirthDate', 'Ngày, tháng, năm sinh', { ...req, maxDate: 'today' }),
        f.choice('childSex', 'Giới tính', ['nam:Nam', 'nu:Nữ'], req),
        f.text('clinic', 'Nơi đăng ký khám bệnh, chữa bệnh ban đầu', { ...req, maxLength: 200 }),
        ...applicantFields(),
        f.choice('relation', 'Quan hệ với trẻ', ['me:Mẹ', 'cha:Cha', 'nguoi_giam_ho:Người giám hộ'], req),
        deliveryField(),
        deliveryAddress(),
        pledge(),
      ],
    },
    fees: [],
    feeNote: 'Trẻ em dưới 6 tuổi được ngân sách nhà nước đóng bảo hiểm y tế.',
    timeLimit: { workingDays: 5, note: '02 ngày làm việc khi thực hiện trong nhóm liên thông' },
    level: { decree42: 'toan_trinh', legacy: 4 },
    result: { type: 'both', name: 'Thẻ bảo hiểm y tế' },
    legalBasis: [
      {
        number: '25/2008/QH12',
        title: 'Luật Bảo hiểm y tế (sửa đổi, bổ sung 2014, 2024)',
        issuedOn: '2008-11-14',
      },
      {
        number: '63/2024/NĐ-CP',
        title: 'Nghị định quy định thực hiện liên thông điện tử hai nhóm thủ tục hành chính',
      },
    ],
    note: 'Mã TTHC, mẫu tờ khai và thời hạn khi thực hiện riêng lẻ chưa được đối chiếu (unconfirmed).',
  },
};

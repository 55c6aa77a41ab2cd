/** Business registration, construction permits and land certificates. */
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

const VSIC = {
  pattern: '\\d{4,5}',
  maxLength: 5,
  hint: 'Mã ngành cấp 4 theo Hệ thống ngành kinh tế Việt Nam, ví dụ 5610',
};

export const householdBusiness: SeedProcedure = {
  content: {
    code: '2.000575',
    codeConfirmed: false,
    name: 'Đăng ký thành lập hộ kinh doanh',
    sector: { code: 'HO_KINH_DOANH', name: 'Thành lập và hoạt động của hộ kinh doanh' },
    applicants: ['citizen'],
    agencies: {
      kinds: ['commune'],
      description: 'Cơ quan đăng ký kinh doanh cấp xã nơi đặt trụ sở hộ kinh doanh',
    },
    where: 'Bộ phận Một cửa của Ủy ban nhân dân cấp xã, hoặc trực tuyến trên Cổng Dịch vụ công',
    channels: ONLINE_COUNTER_POST,
    steps: [
      'Nộp giấy đề nghị đăng ký hộ kinh doanh và giấy tờ kèm theo.',
      'Cơ quan đăng ký kinh doanh kiểm tra tính hợp lệ, cấp Giấy chứng nhận đăng ký hộ kinh doanh.',
    ],
    papers: [
      paper('giayDeNghi', 'Giấy đề nghị đăng ký hộ kinh doanh (theo mẫu)', {
        template: { kind: 'generated' },
      }),
      paper('bienBanHop', 'Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh', {
        copyKind: 'copy',
        requirement: 'conditional',
        condition: 'khi các thành viên hộ gia đình cùng đăng ký hộ kinh doanh',
      }),
      paper('uyQuyen', 'Văn bản ủy quyền cho thành viên hộ gia đình làm chủ hộ kinh doanh', {
        copyKind: 'copy',
        requirement: 'conditional',
        condition: 'khi các thành viên hộ gia đình cùng đăng ký hộ kinh doanh',
      }),
    ],
    form: {
      fields: [
        f.text('businessName', 'Tên hộ kinh doanh', { ...req, maxLength: 200, labelEn: 'Business name' }),
        f.unit('commune', 'Xã, phường nơi đặt trụ sở', { ...req, adminUnitLevel: 'commune' }),
        f.text('address', 'Địa chỉ trụ sở', { ...req, maxLength: 300 }),
        f.phone('businessPhone', 'Điện thoại của hộ kinh doanh'),
        f.group(
          'lines',
          'Ngành, nghề kinh doanh',
          [
            f.text('vsic', 'Mã ngành', { ...req, ...VSIC }),
            f.text('description', 'Tên ngành', { ...req, maxLength: 300 }),
          ],
          {
            repeatable: true,
            minItems: 1,
            maxItems: 30,
            required: true,
          },
        ),
        f.num('capital', 'Vốn kinh doanh (đồng)', { ...req, min: 0, max: 1e13 }),
        f.num('employees', 'Số lượng lao động', { min: 0, max: 1000 }),
        f.choice(
          'registrant',
          'Hộ kinh doanh do',
          ['ca_nhan:Một cá nhân thành lập', 'ho_gia_dinh:Các thành viên hộ gia đình thành lập'],
          req,
        ),
        ...applicantFields(),
        f.group(
          'members',
          'Thành viên hộ gia đình',
          [
            f.text('fullName', 'Họ, chữ đệm, tên', { ...req, maxLength: 100 }),
            f.id('idNumber', 'Số định danh cá nhân', req),
          ],
          {
            repeatable: true,
            minItems: 1,
            maxItems: 20,
            required: true,
            showWhen: { field: 'registrant', equals: 'ho_gia_dinh' },
          },
        ),
        deliveryField(),
        deliveryAddress(),
        pledge(),
      ],
    },
    fees: [fee('Lệ phí đăng ký hộ kinh doanh', 100000)],
    feeNote: 'Mức thu do Hội đồng nhân dân cấp tỉnh quyết định (ví dụ Hà Nội).',
    timeLimit: { workingDays: 3 },
    level: { decree42: 'toan_trinh', legacy: 4 },
    result: { type: 'both', name: 'Giấy chứng nhận đăng ký hộ kinh doanh' },
    legalBasis: [
      { number: '59/2020/QH14', title: 'Luật Doanh nghiệp', issuedOn: '2020-06-17' },
      { number: '168/2025/NĐ-CP', title: 'Nghị định về đăng ký doanh nghiệp (gồm đăng ký hộ kinh doanh)' },
    ],
    note: 'Thẩm quyền cấp xã từ 01/07/2025, mức lệ phí (khác nhau theo tỉnh) và mã TTHC chưa được đối chiếu (unconfirmed).',
  },
};

export const enterpriseRegistration: SeedProcedure = {
  content: {
    code: '1.010026',
    codeConfirmed: false,
    name: 'Đăng ký thành lập doanh nghiệp (công ty trách nhiệm hữu hạn một thành viên)',
    sector: { code: 'THANH_LAP_DOANH_NGHIEP', name: 'Thành lập và hoạt động doanh nghiệp' },
    applicants: ['citizen', 'business', 'organisation'],
    agencies: {
      kinds: ['department'],
      description: 'Phòng Đăng ký kinh doanh thuộc Sở Tài chính cấp tỉnh nơi doanh nghiệp đặt trụ sở',
    },
    where: 'Trực tuyến trên Cổng thông tin quốc gia về đăng ký doanh nghiệp, hoặc Phòng Đăng ký kinh doanh',
    channels: ONLINE_COUNTER_POST,
    steps: [
      'Nộp hồ sơ đăng ký doanh nghiệp và lệ phí.',
      'Phòng Đăng ký kinh doanh kiểm tra tính hợp lệ, cấp Giấy chứng nhận đăng ký doanh nghiệp (mã số doanh nghiệp đồng thời là mã số thuế).',
      'Công bố nội dung đăng ký doanh nghiệp trên Cổng thông tin quốc gia về đăng ký doanh nghiệp.',
    ],
    papers: [
      paper('giayDeNghi', 'Giấy đề nghị đăng ký doanh nghiệp (theo mẫu)', {
        template: { kind: 'generated' },
      }),
      paper('dieuLe', 'Điều lệ công ty'),
      paper('phapLyChuSoHuu', 'Bản sao giấy tờ pháp lý của chủ sở hữu (cá nhân hoặc tổ chức)', {
        copyKind: 'copy',
      }),
      paper('uyQuyen', 'Văn bản ủy quyền cho người nộp hồ sơ', {
        requirement: 'conditional',
        condition: 'khi người nộp không phải người đại diện theo pháp luật',
      }),
    ],
    form: {
      fields: [
        f.text('nameVi', 'Tên công ty viết bằng tiếng Việt', {
          ...req,
          maxLength: 300,
          labelEn: 'Company name in Vietnamese',
        }),
        f.text('nameForeign', 'Tên công ty viết bằng tiếng nước ngoài', { maxLength: 300 }),
        f.text('nameShort', 'Tên công ty viết tắt', { maxLength: 100 }),
        f.unit('province', 'Tỉnh, thành phố nơi đặt trụ sở', { ...req, adminUnitLevel: 'province' }),
        f.unit('commune', 'Xã, phường nơi đặt trụ sở', { ...req, adminUnitLevel: 'commune' }),
        f.text('address', 'Địa chỉ trụ sở chính', { ...req, maxLength: 300 }),
        f.phone('phone', 'Điện thoại', req),
        f.email('email', 'Thư điện tử'),
        f.num('capital', 'Vốn điều lệ (đồng)', { ...req, min: 1, max: 1e15 }),
        f.group(
          'lines',
          'Ngành, nghề kinh doanh',
          [
            f.text('vsic', 'Mã ngành', { ...req, ...VSIC }),
            f.text('description', 'Tên ngành', { ...req, maxLength: 300 }),
            f.check('main', 'Ngành chính'),
          ],
          { repeatable: true, minItems: 1, maxItems: 100, required: true },
        ),
        f.choice('ownerKind', 'Chủ sở hữu là', ['ca_nhan:Cá nhân', 'to_chuc:Tổ chức'], req),
        f.text('ownerName', 'Họ tên chủ sở hữu', {
          ...req,
          maxLength: 100,
          showWhen: { field: 'ownerKind', equals: 'ca_nhan' },
        }),
        f.id('ownerId', 'Số định danh cá nhân của chủ sở hữu', {
          ...req,
          showWhen: { field: 'ownerKind', equals: 'ca_nhan' },
        }),
        f.text('ownerOrg', 'Tên tổ chức chủ sở hữu', {
          ...req,
          maxLength: 300,
          showWhen: { field: 'ownerKind', equals: 'to_chuc' },
        }),
        f.text('ownerTaxCode', 'Mã số doanh nghiệp của tổ chức chủ sở hữu', {
          ...req,
          pattern: '\\d{10}(-\\d{3})?',
          maxLength: 14,
          showWhen: { field: 'ownerKind', equals: 'to_chuc' },
        }),
        f.group(
          'representatives',
          'Người đại diện theo pháp luật',
          [
            f.text('fullName', 'Họ, chữ đệm, tên', { ...req, maxLength: 100 }),
            f.id('idNumber', 'Số định danh cá nhân', req),
            f.text('title', 'Chức danh', { ...req, maxLength: 100 }),
          ],
          { repeatable: true, minItems: 1, maxItems: 5, required: true },
        ),
        f.check('vat', 'Đăng ký phương pháp tính thuế giá trị gia tăng khấu trừ'),
        ...applicantFields(),
        deliveryField(),
        deliveryAddress(),
        pledge(),
      ],
    },
    fees: [
      fee('Lệ phí đăng ký doanh nghiệp', 50000, {
        condition: 'miễn khi đăng ký qua mạng thông tin điện tử',
        channels: ['counter', 'post'],
      }),
      fee('Phí công bố nội dung đăng ký doanh nghiệp', 100000, { kind: 'phi' }),
    ],
    timeLimit: { workingDays: 3 },
    level: { decree42: 'toan_trinh', legacy: 4 },
    result: { type: 'both', name: 'Giấy chứng nhận đăng ký doanh nghiệp' },
    legalBasis: [
      { number: '59/2020/QH14', title: 'Luật Doanh nghiệp', issuedOn: '2020-06-17' },
      { number: '168/2025/NĐ-CP', title: 'Nghị định về đăng ký doanh nghiệp' },
      {
        number: '47/2019/TT-BTC',
        title: 'Thông tư quy định mức thu, chế độ thu, nộp, quản lý phí, lệ phí đăng ký doanh nghiệp',
      },
    ],
    note: 'Mã TTHC và việc Phòng Đăng ký kinh doanh thuộc Sở Tài chính (từ 03/2025) chưa được đối chiếu (unconfirmed).',
  },
};

export const constructionPermit: SeedProcedure = {
  content: {
    code: '1.009974',
    codeConfirmed: false,
    name: 'Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ',
    sector: { code: 'HOAT_DONG_XAY_DUNG', name: 'Hoạt động xây dựng' },
    applicants: ['citizen', 'organisation'],
    agencies: { kinds: ['commune'], description: 'Ủy ban nhân dân cấp xã nơi xây dựng công trình' },
    where: 'Bộ phận Một cửa của Ủy ban nhân dân cấp xã, hoặc trực tuyến (nộp bản vẽ điện tử)',
    channels: ONLINE_COUNTER_POST,
    steps: [
      'Nộp đơn đề nghị cấp giấy phép xây dựng, giấy tờ về quyền sử dụng đất và bản vẽ thiết kế.',
      'Cơ quan cấp phép kiểm tra hồ sơ, khảo sát thực địa, thẩm định theo quy hoạch.',
      'Cấp giấy phép xây dựng kèm bản vẽ có đóng dấu.',
    ],
    papers: [
      paper('don', 'Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 01 Phụ lục II Nghị định 15/2021/NĐ-CP)', {
        template: { kind: 'generated' },
      }),
      paper('quyenSuDungDat', 'Giấy tờ hợp pháp về quyền sử dụng đất', { copyKind: 'certified_copy' }),
      paper('banVe', 'Bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng, móng, đấu nối hạ tầng)', {
        count: 2,
      }),
      paper('camKet', 'Bản cam kết bảo đảm an toàn đối với công trình liền kề', {
        requirement: 'conditional',
        condition: 'khi công trình có tầng hầm hoặc xây chen có công trình liền kề',
      }),
    ],
    form: {
      fields: [
        ...applicantFields(),
        f.unit('commune', 'Xã, phường nơi xây dựng', { ...req, adminUnitLevel: 'commune' }),
        f.text('siteAddress', 'Địa điểm xây dựng (số nhà, đường, thôn)', { ...req, maxLength: 300 }),
        f.text('landCertificate', 'Số giấy chứng nhận quyền sử dụng đất', { ...req, maxLength: 30 }),
        f.text('parcel', 'Thửa đất số', { ...req, maxLength: 20 }),
        f.text('mapSheet', 'Tờ bản đồ số', { ...req, maxLength: 20 }),
        f.num('landArea', 'Diện tích lô đất (m²)', { ...req, min: 1, max: 100000 }),
        f.num('footprint', 'Diện tích xây dựng tầng 1 (m²)', { ...req, min: 1, max: 100000 }),
        f.num('totalFloorArea', 'Tổng diện tích sàn (m²)', { ...req, min: 1, max: 1000000 }),
        f.num('floors', 'Số tầng (kể cả tầng hầm, tầng lửng, tum)', { ...req, min: 1, max: 50 }),
        f.num('height', 'Chiều cao công trình (m)', { ...req, min: 1, max: 200 }),
        f.check('basement', 'Có tầng hầm'),
        f.text('designer', 'Tổ chức, cá nhân thiết kế', { maxLength: 200 }),
        f.num('months', 'Thời gian dự kiến hoàn thành (tháng)', { min: 1, max: 120 }),
        deliveryField(),
        deliveryAddress(),
        pledge(),
      ],
    },
    fees: [fee('Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ', 75000)],
    feeNote: 'Mức thu do Hội đồng nhân dân cấp tỉnh quyết định (ví dụ Hà Nội).',
    timeLimit: { workingDays: 15, note: 'Tính từ ngày nhận đủ hồ sơ hợp lệ' },
    level: { decree42: 'mot_phan', legacy: 3 },
    result: { type: 'paper', name: 'Giấy phép xây dựng kèm bản vẽ thiết kế' },
    legalBasis: [
      {
        number: '50/2014/QH13',
        title: 'Luật Xây dựng (sửa đổi, bổ sung bởi Luật số 62/2020/QH14)',
        issuedOn: '2014-06-18',
      },
      {
        number: '15/2021/NĐ-CP',
        title: 'Nghị định quy định chi tiết một số nội dung về quản lý dự án đầu tư xây dựng',
        issuedOn: '2021-03-03',
      },
    ],
    note: 'Thẩm quyền cấp xã từ 01/07/2025 (trước đó cấp huyện), thời hạn (ngày hay ngày làm việc), mức lệ phí và mã TTHC chưa được đối chiếu (unconfirmed).',
  },
};

export const landCertificateCorrection: SeedProcedure = {
  content: {
    code: '1.004227',
    codeConfirmed: false,
    name: 'Đính chính Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất đã cấp',
    sector: { code: 'DAT_DAI', name: 'Đất đai' },
    applicants: ['citizen', 'business', 'organisation'],
    agencies: {
      kinds: ['unit'],
      description: 'Văn phòng đăng ký đất đai hoặc Chi nhánh Văn phòng đăng ký đất đai',
    },
    where: 'Bộ phận Một cửa cấp xã hoặc Chi nhánh Văn phòng đăng ký đất đai nơi có đất',
    channels: ['online', 'counter', 'post'],
    steps: [
      'Nộp đơn đề nghị đính chính và bản gốc Giấy chứng nhận đã cấp.',
      'Văn phòng đăng ký đất đai kiểm tra, lập biên bản kết luận về nội dung sai sót, đính chính vào Giấy chứng nhận hoặc cấp Giấy chứng nhận mới.',
    ],
    papers: [
      paper('don', 'Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (theo mẫu)', {
        template: { kind: 'generated' },
      }),
      paper('gcn', 'Bản gốc Giấy chứng nhận đã cấp'),
    ],
    form: {
      fields: [
        ...applicantFields(),
        f.text('certificateSerial', 'Số phát hành (số seri) Giấy chứng nhận', {
          ...req,
          pattern: '[A-Z]{2} ?\\d{6}',
          maxLength: 9,
          hint: 'Ví dụ AB 123456',
        }),
        f.text('entryNumber', 'Số vào sổ cấp Giấy chứng nhận', { ...req, maxLength: 30 }),
        f.text('parcel', 'Thửa đất số', { ...req, maxLength: 20 }),
        f.text('mapSheet', 'Tờ bản đồ số', { ...req, maxLength: 20 }),
        f.unit('commune', 'Xã, phường nơi có đất', { ...req, adminUnitLevel: 'commune' }),
        f.choice(
          'item',
          'Nội dung cần đính chính',
          [
            'ten:Tên người sử dụng đất',
            'giay_to:Giấy tờ nhân thân',
            'dien_tich:Diện tích',
            'muc_dich:Mục đích sử dụng',
            'khac:Nội dung khác',
          ],
          req,
        ),
        f.area('currentText', 'Nội dung ghi trên Giấy chứng nhận', { ...req, maxLength: 1000 }),
        f.area('correctText', 'Nội dung đề nghị đính chính', { ...req, maxLength: 1000 }),
        f.area('reason', 'Lý do, căn cứ đính chính', { ...req, maxLength: 2000 }),
        deliveryField(),
        deliveryAddress(),
        pledge(),
      ],
    },
    fees: [],
    feeNote:
      'Không thu phí khi sai sót do cơ quan cấp Giấy chứng nhận; trường hợp cấp Giấy chứng nhận mới có thể thu lệ phí theo quy định của tỉnh.',
    timeLimit: { workingDays: 10 },
    level: { decree42: 'mot_phan', legacy: 3 },
    result: { type: 'paper', name: 'Giấy chứng nhận đã được đính chính hoặc Giấy chứng nhận mới' },
    legalBasis: [
      { number: '31/2024/QH15', title: 'Luật Đất đai', issuedOn: '2024-01-18' },
      {
        number: '101/2024/NĐ-CP',
        title: 'Nghị định quy định về điều tra cơ bản đất đai; đăng ký, cấp Giấy chứng nhận',
      },
    ],
    note: 'Thời hạn, mẫu đơn và mã TTHC chưa được đối chiếu (unconfirmed).',
  },
};

/** Small builders for the seeded procedures: fields, papers, fees and the usual applicant block. */
import type { FormField } from '../form/definition.ts';
import type { Fee, Paper, ProcedureContent } from '../schemas.ts';

type Extra = Partial<Omit<FormField, 'key' | 'type' | 'label'>>;

export const f = {
  text: (key: string, label: string, x: Extra = {}): FormField => ({ key, type: 'text', label, ...x }),
  area: (key: string, label: string, x: Extra = {}): FormField => ({ key, type: 'textarea', label, ...x }),
  num: (key: string, label: string, x: Extra = {}): FormField => ({ key, type: 'number', label, ...x }),
  date: (key: string, label: string, x: Extra = {}): FormField => ({ key, type: 'date', label, ...x }),
  check: (key: string, label: string, x: Extra = {}): FormField => ({ key, type: 'checkbox', label, ...x }),
  id: (key: string, label: string, x: Extra = {}): FormField => ({ key, type: 'personal_id', label, ...x }),
  phone: (key: string, label: string, x: Extra = {}): FormField => ({ key, type: 'phone', label, ...x }),
  email: (key: string, label: string, x: Extra = {}): FormField => ({ key, type: 'email', label, ...x }),
  agency: (key: string, label: string, x: Extra = {}): FormField => ({ key, type: 'agency', label, ...x }),
  unit: (key: string, label: string, x: Extra = {}): FormField => ({ key, type: 'admin_unit', label, ...x }),
  /** A choice; options given as `value:label` strings. */
  choice: (key: string, label: string, options: string[], x: Extra = {}): FormField => ({
    key,
    type: 'select',
    label,
    options: options.map((o) => {
      const [value = o, ...rest] = o.split(':');
      return { value, label: rest.join(':') || value };
    }),
    ...x,
  }),
  group: (key: string, label: string, fields: FormField[], x: Extra = {}): FormField => ({
    key,
    type: 'group',
    label,
    fields,
    ...x,
  }),
};

export const req = { required: true } as const;

/** The person filing: name, personal identification number, contacts. */
export function applicantFields(): FormField[] {
  return [
    f.text('applicantName', 'Họ, chữ đệm, tên người yêu cầu', {
      ...req,
      maxLength: 100,
      labelEn: 'Applicant’s full name',
    }),
    f.id('applicantId', 'Số định danh cá nhân người yêu cầu', {
      ...req,
      labelEn: 'Applicant’s personal ID number',
    }),
    f.phone('applicantPhone', 'Số điện thoại', { ...req, labelEn: 'Phone' }),
    f.email('applicantEmail', 'Thư điện tử', { labelEn: 'Email' }),
  ];
}

/** How the result is returned. */
export function deliveryField(): FormField {
  return f.choice(
    'delivery',
    'Hình thức nhận kết quả',
    ['truc_tiep:Nhận trực tiếp', 'buu_chinh:Qua dịch vụ bưu chính', 'truc_tuyen:Nhận bản điện tử'],
    {
      ...req,
      labelEn: 'How to receive the result',
    },
  );
}

export function deliveryAddress(): FormField {
  return f.text('deliveryAddress', 'Địa chỉ nhận kết quả qua bưu chính', {
    ...req,
    maxLength: 300,
    showWhen: { field: 'delivery', equals: 'buu_chinh' },
  });
}

/** The closing declaration every form ends with. */
export function pledge(): FormField {
  return f.check(
    'pledge',
    'Tôi cam đoan nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về cam đoan của mình',
    {
      ...req,
      labelEn: 'I declare that the above is true',
    },
  );
}

export function paper(key: string, name: string, o: Partial<Omit<Paper, 'key' | 'name'>> = {}): Paper {
  return { key, name, copyKind: 'original', count: 1, requirement: 'required', ...o };
}

export function fee(name: string, amount: number, o: Partial<Omit<Fee, 'name' | 'amount'>> = {}): Fee {
  return { kind: 'le_phi', name, amount, ...o };
}

/** A seeded procedure, and the QĐ20 codes of the directory agencies it names (resolved at seed time). */
export interface SeedProcedure {
  content: Omit<ProcedureContent, 'agencies'> & { agencies: Omit<ProcedureContent['agencies'], 'agencyIds'> };
  agencyCodes?: string[];
}

export const ONLINE_COUNTER_POST: ProcedureContent['channels'] = ['online', 'counter', 'post'];

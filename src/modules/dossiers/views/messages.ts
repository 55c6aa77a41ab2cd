import { defineMessages } from '../../../platform/i18n/index.ts';

export const dm = defineMessages('dossiers', {
  navMine: { vi: 'Hồ sơ của tôi', en: 'My dossiers' },
  navLookup: { vi: 'Tra cứu hồ sơ', en: 'Look up a dossier' },
  navOneStop: { vi: 'Tiếp nhận hồ sơ', en: 'Dossier desk' },
});

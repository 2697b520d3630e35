import type { BenchSection } from '../lib/context.js';

export const uiSection: BenchSection = {
  key: 'ui',
  ids: [{ id: '7', name: 'UI under a long stream' }],
  async run() {
    throw new Error('not written yet');
  },
};

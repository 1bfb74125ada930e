import type { WorkshopStats } from '../../../../shared/workshops/workshop-schemas.js';

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });

interface StatDefinition {
  label: string;
  /** Said under the label, as in the source documents' "(Live)". */
  note?: string;
  value: (stats: WorkshopStats) => string;
}

/** The five cards of the source documents, in their order and with their names. */
export const statDefinitions: readonly StatDefinition[] = [
  { label: 'Registered', value: (stats) => stats.registered.toLocaleString() },
  { label: 'In Group', note: '(Live)', value: (stats) => stats.inGroup.toLocaleString() },
  { label: 'Missing', value: (stats) => stats.missing.toLocaleString() },
  { label: 'Left', value: (stats) => stats.left.toLocaleString() },
  { label: 'Join Rate', value: (stats) => percent.format(stats.joinRate) },
];

import type { CodeScheme } from './codes.ts';

export type { CodeScheme } from './codes.ts';

export const agencyKinds = [
  'ministry',
  'ministry_level',
  'government_agency',
  'province_ubnd',
  'province_hdnd',
  'department',
  'commune',
  'unit',
  'enterprise',
  'other',
] as const;
export type AgencyKind = (typeof agencyKinds)[number];

export interface AgencySummary {
  id: string;
  name: string;
  shortName: string | null;
  kind: string;
  parentId: string | null;
  active: boolean;
  level: number;
  validFrom: string;
  validTo: string | null;
}

export interface CreateAgencyInput {
  name: string;
  shortName?: string | null;
  kind: AgencyKind;
  parentId?: string | null;
  /** ISO date; default today. */
  validFrom?: string;
  codes: { scheme: CodeScheme; code: string; validFrom?: string; primary?: boolean; confirmed?: boolean }[];
}

export interface UpdateAgencyInput {
  /** The version the editor saw; a different current version is a conflict. */
  version: number;
  name: string;
  shortName: string | null;
  kind: AgencyKind;
  parentId: string | null;
  /** Date from which a new name applies (default today). */
  effectiveOn?: string;
  legalBasis?: string | null;
}

export interface AgencyCode {
  id: string;
  scheme: CodeScheme;
  code: string;
  validFrom: string;
  validTo: string | null;
  confirmed: boolean;
  note: string | null;
}

export interface AgencyName {
  name: string;
  shortName: string | null;
  validFrom: string;
  validTo: string | null;
}

export interface DirectoryEvent {
  id: string;
  kind: string;
  effectiveOn: string;
  legalBasis: string | null;
  note: string | null;
  agencies: { agencyId: string; name: string; role: string; isDefault: boolean }[];
}

export interface AgencyDetail extends AgencySummary {
  version: number;
  names: AgencyName[];
  codes: AgencyCode[];
  parent: AgencySummary | null;
  children: AgencySummary[];
  events: DirectoryEvent[];
  predecessors: AgencySummary[];
  successors: AgencySummary[];
}

export interface Resolution {
  /** The agency that held the code on the date asked (or last held it before). */
  heldBy: AgencySummary;
  /** The agency responsible on the date asked (successors of events up to that date). */
  responsible: AgencySummary;
  /** The agency responsible today, following successors of closed agencies. */
  current: AgencySummary;
  /** From heldBy to current. */
  chain: AgencySummary[];
  code: { scheme: CodeScheme; code: string; validFrom: string; validTo: string | null; confirmed: boolean };
}

/** Agencies are named by id or by any of their codes (as held on the effective date). */
export interface MergeInput {
  /** Agencies merged; the successor may be one of them (it then survives). */
  predecessors: string[];
  successor: string;
  effectiveOn: string;
  legalBasis: string;
  /** A code of a closed predecessor that moves to the successor from `effectiveOn`. */
  survivingCode?: string | null;
  note?: string | null;
}

export interface SplitInput {
  predecessor: string;
  successors: string[];
  /** The successor that takes over traffic addressed to the predecessor. */
  defaultSuccessor: string;
  effectiveOn: string;
  legalBasis: string;
  note?: string | null;
}

export interface SearchQuery {
  q?: string | undefined;
  kind?: string | undefined;
  parentId?: string | undefined;
  status?: 'active' | 'closed' | 'all' | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export interface SearchHit extends AgencySummary {
  codes: { scheme: CodeScheme; code: string; confirmed: boolean }[];
}

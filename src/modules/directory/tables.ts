import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';
import type { PlatformTables } from '../../platform/db/database.ts';

/** The directory's own tables (see migrations/202611210201_directory_agencies.sql). */
// A type alias (not an interface) so that it fits Kysely's `withTables` constraint.
export type DirectoryTables = {
  directory_agencies: {
    id: string;
    kind: string;
    parent_id: string | null;
    level: number;
    name: string;
    short_name: string | null;
    valid_from: string;
    valid_to: string | null;
    version: Generated<number>;
    search_text: string;
    created_at: Generated<Date>;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
  directory_agency_names: {
    agency_id: string;
    name: string;
    short_name: string | null;
    valid_from: string;
    valid_to: string | null;
  };
  directory_codes: {
    id: string;
    agency_id: string;
    scheme: string;
    code: string;
    valid_from: string;
    valid_to: string | null;
    confirmed: boolean;
    note: string | null;
    created_at: Generated<Date>;
  };
  directory_events: {
    id: string;
    kind: string;
    effective_on: string;
    legal_basis: string | null;
    note: string | null;
    created_at: Generated<Date>;
  };
  directory_event_agencies: {
    event_id: string;
    agency_id: string;
    role: string;
    is_default: boolean;
  };
};

/** The database (or an open transaction) seen with the directory's tables. */
export type DirDb = Kysely<PlatformTables & DirectoryTables>;

export type AgencyRow = Selectable<DirectoryTables['directory_agencies']>;
export type CodeRow = Selectable<DirectoryTables['directory_codes']>;
export type NameRow = Selectable<DirectoryTables['directory_agency_names']>;
export type EventRow = Selectable<DirectoryTables['directory_events']>;

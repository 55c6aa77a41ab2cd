import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';
import type { PlatformTables } from '../../platform/db/database.ts';

type Timestamp = ColumnType<Date, Date | undefined, Date>;

/** The services module's tables (migrations/202611210701_services_catalogue.sql). */
export type ServicesTables = {
  services_procedures: {
    id: string;
    code: string;
    owner_agency_id: string | null;
    status: 'draft' | 'published' | 'unpublished';
    current_version_id: string | null;
    latest_number: number;
    name: string;
    sector_code: string;
    sector_name: string;
    agency_kinds: string[];
    agency_ids: string[];
    service_level: 'toan_trinh' | 'mot_phan' | 'none';
    search_name: string;
    search_text: string;
    created_at: Generated<Date>;
    updated_at: Timestamp;
  };
  services_versions: {
    id: string;
    procedure_id: string;
    number: number;
    state: 'draft' | 'published' | 'superseded';
    content: ColumnType<unknown, string, string>;
    created_by: string | null;
    created_at: Generated<Date>;
    updated_at: Timestamp;
    published_at: Date | null;
    published_by: string | null;
  };
  services_templates: {
    sha256: string;
    file_name: string;
    media_type: string;
    bytes: number;
    content: Buffer;
    created_at: Generated<Date>;
  };
  services_linked_sets: {
    id: string;
    code: string;
    name: string;
    content: ColumnType<unknown, string, string>;
    created_at: Generated<Date>;
    updated_at: Timestamp;
  };
};

export type SvcDb = Kysely<PlatformTables & ServicesTables>;
export type ProcedureRow = Selectable<ServicesTables['services_procedures']>;
export type VersionRow = Selectable<ServicesTables['services_versions']>;

import { errors, inTransaction, openDatabase, type Database } from '@recdata/core';
import { canonicalText, fingerprintOfText, modelFromCanonical } from './canonical.js';
import { checkCompatibility, DEFAULT_MODE, parseMode, type CheckResult, type Mode, type Version } from './compat/check.js';
import type { SchemaModel } from './model.js';

/** PRAGMA application_id of a recdata schema registry ("RDSR"). */
export const REGISTRY_APPLICATION_ID = 0x52445352;

const SCHEMA = [
  `create table subjects (
     id integer primary key,
     name text not null unique,
     created_at text not null
   )`,
  `create table versions (
     subject_id integer not null references subjects(id),
     version integer not null,
     message text not null,
     canonical text not null,
     fingerprint text not null,
     source text not null,
     source_name text not null,
     mode text not null,
     registered_at text not null,
     primary key (subject_id, version),
     unique (subject_id, fingerprint)
   )`,
];

export interface VersionRow {
  subject: string;
  version: number;
  /** The record message, fully qualified. */
  message: string;
  canonical: string;
  fingerprint: string;
  /** The .proto text as registered (comments and all). */
  source: string;
  sourceName: string;
  mode: Mode;
  registeredAt: string;
}

export interface RegisterResult {
  /** `registered`: a new version; `unchanged`: the same fingerprint was there already (nothing written). */
  outcome: 'registered' | 'unchanged';
  version: number;
  fingerprint: string;
  check: CheckResult;
}

/**
 * A schema registry in one SQLite file: subjects, their versions (canonical text,
 * SHA-256 fingerprint, the .proto as given, the mode it was checked under, when).
 * A file that is not a registry is refused (exit 65); every write is one
 * transaction, so a crash mid-register leaves the registry as it was.
 */
export class SchemaRegistry {
  private constructor(
    private readonly db: Database,
    readonly file: string,
  ) {}

  static open(file: string, options: { create?: boolean; readonly?: boolean } = {}): SchemaRegistry {
    const db = openDatabase(file, {
      applicationId: REGISTRY_APPLICATION_ID,
      kind: 'schema registry',
      create: options.create ?? false,
      readonly: options.readonly ?? false,
      init: SCHEMA,
    });
    return new SchemaRegistry(db, file);
  }

  close(): void {
    this.db.close();
  }

  subjects(): { name: string; versions: number; latest: number | null }[] {
    return this.db
      .prepare(
        `select s.name as name, count(v.version) as versions, max(v.version) as latest
         from subjects s left join versions v on v.subject_id = s.id group by s.id order by s.name`,
      )
      .all() as { name: string; versions: number; latest: number | null }[];
  }

  versions(subject: string): VersionRow[] {
    const rows = this.db
      .prepare(
        `select s.name as subject, v.version, v.message, v.canonical, v.fingerprint, v.source, v.source_name as sourceName, v.mode, v.registered_at as registeredAt
         from versions v join subjects s on s.id = v.subject_id where s.name = ? order by v.version`,
      )
      .all(subject) as VersionRow[];
    return rows;
  }

  /** Every version of a subject (exit 65 when the subject has none). */
  requireVersions(subject: string): VersionRow[] {
    const rows = this.versions(subject);
    if (rows.length === 0) {
      const known = this.subjects().map((s) => s.name);
      throw errors.badInput(`no subject "${subject}" in ${this.file}; its subjects are: ${known.join(', ') || '(none)'}`);
    }
    return rows;
  }

  /** One version; `undefined` means the latest. */
  version(subject: string, version?: number): VersionRow {
    const rows = this.requireVersions(subject);
    if (version === undefined) return rows[rows.length - 1];
    const row = rows.find((r) => r.version === version);
    if (!row) throw errors.badInput(`subject "${subject}" has no version ${version}; it has ${rows.map((r) => r.version).join(', ')}`);
    return row;
  }

  findFingerprint(subject: string, fingerprint: string): VersionRow | undefined {
    return this.versions(subject).find((r) => r.fingerprint === fingerprint);
  }

  /**
   * Registers a schema as the subject's next version after checking it against the
   * versions there (under `mode`, default: the mode of the latest version, else
   * backward_transitive). Incompatible: nothing is written and the check says why.
   * The same fingerprint again: nothing is written. `beforeCommit` runs inside the
   * transaction just before it commits (tests use it to crash there).
   */
  register(
    subject: string,
    model: SchemaModel,
    source: { text: string; name: string },
    options: { mode?: Mode; now?: Date; beforeCommit?: () => void } = {},
  ): RegisterResult {
    const canonical = canonicalText(model);
    const fp = fingerprintOfText(canonical);
    return inTransaction(this.db, () => {
      const rows = this.versions(subject);
      const same = rows.find((r) => r.fingerprint === fp);
      const mode = options.mode ?? (rows.length > 0 ? parseMode(rows[rows.length - 1].mode) : DEFAULT_MODE);
      if (same) return { outcome: 'unchanged', version: same.version, fingerprint: fp, check: { compatible: true, mode, violations: [] } };
      const history = rows.map((r) => rowVersion(r));
      const candidate: Version = { model, label: source.name };
      const check = checkCompatibility(history, candidate, mode);
      if (!check.compatible) return { outcome: 'unchanged', version: rows.length > 0 ? rows[rows.length - 1].version : 0, fingerprint: fp, check };
      const now = (options.now ?? new Date()).toISOString();
      let subjectId = (this.db.prepare('select id from subjects where name = ?').get(subject) as { id: number } | undefined)?.id;
      if (subjectId === undefined) {
        subjectId = Number(this.db.prepare('insert into subjects (name, created_at) values (?, ?)').run(subject, now).lastInsertRowid);
      }
      const version = rows.length > 0 ? rows[rows.length - 1].version + 1 : 1;
      this.db
        .prepare(
          `insert into versions (subject_id, version, message, canonical, fingerprint, source, source_name, mode, registered_at)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(subjectId, version, model.record, canonical, fp, source.text, source.name, mode, now);
      options.beforeCommit?.();
      return { outcome: 'registered', version, fingerprint: fp, check };
    });
  }

  /** The registered versions of a subject as check history (oldest first). */
  history(subject: string): Version[] {
    return this.versions(subject).map(rowVersion);
  }
}

export function rowVersion(row: VersionRow): Version {
  const label = `version ${row.version}`;
  return { model: modelFromCanonical(row.canonical, `${row.subject} ${label}`), label };
}

import { foldForSearch } from '../../../shared/search/search-terms.js';
import { randomUUID } from 'node:crypto';
import { ApiFailure } from '../../../shared/contract/result.js';
import { normalisePhone } from '../../../shared/phone/normalise-phone.js';
import type { CsvMapping, ImportPreview, Lead, LeadMoveOutcome } from '../../../shared/workshops/workshop-schemas.js';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import { columns, mapRows, num, numberOf, text, textOf } from '../database/row-reader.js';
import type { SettingsService } from '../settings/settings-service.js';
import { parseLeadCsv } from './lead-import.js';
import type { LidResolver } from './lid-resolver.js';

export interface ImportOutcome {
  added: number;
  alreadyRegistered: number;
  merged: number;
  skipped: number;
  /** Names this import's registrations, so "Undo this import" removes exactly them; null when it added nobody. */
  importId: string | null;
}

const leadRow = columns({ id: num, name: text, phone: text, email: text });

/** Registrations: leads are people (one per phone); an assignment registers one for a workshop. */
export class LeadService {
  private readonly statements;
  private readonly db: Database;
  private readonly settings: SettingsService;
  private readonly clock: Clock;
  /** Told which phones are about to be registered, to look their LIDs up first. */
  private readonly lids: Pick<LidResolver, 'beforeRegistering'>;

  constructor(deps: { db: Database; settings: SettingsService; clock: Clock; lids: Pick<LidResolver, 'beforeRegistering'> }) {
    const { db } = deps;
    this.db = db;
    this.settings = deps.settings;
    this.clock = deps.clock;
    this.lids = deps.lids;
    this.statements = {
      list: db.prepare(
        'SELECT l.id, l.name, l.phone, l.email FROM lead_assignments a JOIN leads l ON l.id = a.lead_id WHERE a.workshop_id = ? ORDER BY l.name, l.phone',
      ),
      upsertLead: db.prepare(
        `INSERT INTO leads (phone, name, name_folded, email, created_at, updated_at) VALUES (@phone, @name, @folded, @email, @now, @now)
         ON CONFLICT (phone) DO UPDATE SET
           name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE leads.name END,
           name_folded = CASE WHEN excluded.name <> '' THEN excluded.name_folded ELSE leads.name_folded END,
           email = CASE WHEN excluded.email <> '' THEN excluded.email ELSE leads.email END,
           updated_at = excluded.updated_at
         RETURNING id, name, phone, email`,
      ),
      // A later line for the same person only fills what the first left empty.
      fillLead: db.prepare(
        `UPDATE leads SET name = CASE WHEN name = '' THEN @name ELSE name END,
         name_folded = CASE WHEN name = '' THEN @folded ELSE name_folded END, email = CASE WHEN email = '' THEN @email ELSE email END,
         updated_at = @now WHERE phone = @phone`,
      ),
      assign: db.prepare('INSERT OR IGNORE INTO lead_assignments (workshop_id, lead_id, created_at, import_id) VALUES (?, ?, ?, ?)'),
      undoImport: db.prepare('DELETE FROM lead_assignments WHERE workshop_id = ? AND import_id = ?'),
      unassign: db.prepare('DELETE FROM lead_assignments WHERE workshop_id = ? AND lead_id = ?'),
      leadByPhone: db.prepare('SELECT id FROM leads WHERE phone = ?').pluck(),
      assignment: db.prepare('SELECT created_at FROM lead_assignments WHERE workshop_id = ? AND lead_id = ?').pluck(),
      registeredPhones: db
        .prepare('SELECT l.phone FROM lead_assignments a JOIN leads l ON l.id = a.lead_id WHERE a.workshop_id = ?')
        .pluck(),
    };
  }

  list(workshopId: string): Lead[] {
    return mapRows(this.statements.list.all(workshopId), leadRow);
  }

  private registeredPhones(workshopId: string): Set<string> {
    return new Set(this.statements.registeredPhones.all(workshopId).map((phone) => textOf(phone, 'phone')));
  }

  preview(workshopId: string, csv: string, mapping?: CsvMapping): ImportPreview {
    const { headers, mapping: used, rows } = parseLeadCsv(csv, this.settings.get().defaultCountry, mapping);
    const registered = this.registeredPhones(workshopId);
    const usable = rows.filter((row) => !row.error && row.duplicateOf === null);
    return {
      headers,
      mapping: used,
      rows,
      valid: usable.length,
      invalid: rows.filter((row) => row.error).length,
      duplicates: rows.filter((row) => row.duplicateOf !== null).length,
      alreadyRegistered: usable.filter((row) => row.phone && registered.has(row.phone)).length,
    };
  }

  /** All or nothing: one transaction, and rows with errors block the import unless the user chose to skip them. */
  async import(workshopId: string, csv: string, mapping: CsvMapping, skipInvalid: boolean): Promise<ImportOutcome> {
    const { rows } = parseLeadCsv(csv, this.settings.get().defaultCountry, mapping);
    const invalid = rows.filter((row) => row.error);
    if (invalid.length > 0 && !skipInvalid) {
      const lines = invalid
        .slice(0, 5)
        .map((row) => row.line)
        .join(', ');
      throw new ApiFailure(
        'invalid-input',
        `${invalid.length} row${invalid.length === 1 ? ' has' : 's have'} errors (line${invalid.length === 1 ? '' : 's'} ${lines}${invalid.length > 5 ? ', …' : ''}). Fix the file, or choose to skip them. Nothing was imported.`,
      );
    }
    if (rows.length === invalid.length) throw new ApiFailure('invalid-input', 'The file has no usable rows. Nothing was imported.');
    const registered = this.registeredPhones(workshopId);
    await this.lids.beforeRegistering(
      workshopId,
      rows.flatMap((row) => (!row.error && row.phone && !registered.has(row.phone) ? [row.phone] : [])),
    );
    const now = new Date(this.clock.now()).toISOString();
    const importId = `imp_${randomUUID()}`;
    const outcome: ImportOutcome = { added: 0, alreadyRegistered: 0, merged: 0, skipped: invalid.length, importId: null };
    this.db.transaction(() => {
      for (const row of rows) {
        if (row.error || !row.phone) continue;
        if (row.duplicateOf !== null) {
          this.statements.fillLead.run({ phone: row.phone, name: row.name, folded: foldForSearch(row.name), email: row.email, now });
          outcome.merged++;
          continue;
        }
        const lead = this.statements.upsertLead.get({
          phone: row.phone,
          name: row.name,
          folded: foldForSearch(row.name),
          email: row.email,
          now,
        }) as Lead;
        if (this.statements.assign.run(workshopId, lead.id, now, importId).changes === 1) {
          outcome.added++;
        } else outcome.alreadyRegistered++;
      }
    })();
    return { ...outcome, importId: outcome.added > 0 ? importId : null };
  }

  async add(workshopId: string, input: { name: string; phone: string; email: string }): Promise<Lead> {
    const phone = normalisePhone(input.phone, this.settings.get().defaultCountry);
    if (!phone.ok) throw new ApiFailure('invalid-input', phone.reason, { phone: phone.reason });
    await this.lids.beforeRegistering(workshopId, [phone.digits]);
    const now = new Date(this.clock.now()).toISOString();
    const lead = this.db.transaction(() => {
      const saved = this.statements.upsertLead.get({
        phone: phone.digits,
        name: input.name,
        folded: foldForSearch(input.name),
        email: input.email,
        now,
      }) as Lead;
      this.statements.assign.run(workshopId, saved.id, now, null);
      return saved;
    })();
    return lead;
  }

  /** Takes back the registrations one import added; people registered before it stay. */
  undoImport(workshopId: string, importId: string): number {
    const removed = this.statements.undoImport.run(workshopId, importId).changes;
    if (removed === 0) throw new ApiFailure('not-found', 'That import has already been undone, or its people were removed one by one.');
    return removed;
  }

  /** One transaction: all the chosen registrations go, or none. */
  removeMany(workshopId: string, leadIds: readonly number[]): number {
    return this.db.transaction(() =>
      leadIds.reduce((count, leadId) => count + this.statements.unassign.run(workshopId, leadId).changes, 0),
    )();
  }

  /**
   * Moves the registrations of these phones from one workshop to the other, all in one
   * transaction. A person already registered for the target stays where they were (counted,
   * never registered twice); one no longer registered for the source is counted and skipped.
   *
   * Membership facts are not moved: they belong to a group, not to a registration. The moved
   * person is matched by phone (and the LID behind it) against the target's group, so they
   * count as In Group, Left or Missing there by what that group saw of them; in the source
   * their joins and leaves stay in its group's history and now count among the people who are
   * not registered. Both workshops' cards therefore remain Registered = In Group + Missing + Left.
   * The registration keeps its first date (the timeline shows when the person signed up) and
   * loses its import, so undoing that import in the source cannot reach into the target.
   * Moving is a delete and an insert, not an UPDATE of the key, so the sync outbox carries both.
   */
  async move(fromWorkshopId: string, toWorkshopId: string, phones: readonly string[]): Promise<LeadMoveOutcome> {
    const unique = [...new Set(phones)];
    // Looked up on the target's account first, so a mover the target's group shows only by LID is In Group at once.
    await this.lids.beforeRegistering(toWorkshopId, unique);
    const outcome: LeadMoveOutcome = { moved: 0, alreadyInTarget: 0, notInSource: 0 };
    this.db.transaction(() => {
      for (const phone of unique) {
        const foundId = this.statements.leadByPhone.get(phone);
        const leadId = foundId === undefined ? undefined : numberOf(foundId, 'id');
        const foundAt = leadId === undefined ? undefined : this.statements.assignment.get(fromWorkshopId, leadId);
        const registeredAt = foundAt === undefined ? undefined : textOf(foundAt, 'created_at');
        if (leadId === undefined || registeredAt === undefined) outcome.notInSource++;
        else if (this.statements.assignment.get(toWorkshopId, leadId) !== undefined) outcome.alreadyInTarget++;
        else {
          this.statements.unassign.run(fromWorkshopId, leadId);
          this.statements.assign.run(toWorkshopId, leadId, registeredAt, null);
          outcome.moved++;
        }
      }
    })();
    return outcome;
  }

  remove(workshopId: string, leadId: number): void {
    if (this.statements.unassign.run(workshopId, leadId).changes === 0)
      throw new ApiFailure('not-found', 'That person is not registered for this workshop.');
  }
}

import type { MethodOutput } from '../../../../shared/contract/api-contract.js';
import { useId, useMemo, useState, type ChangeEvent, type DragEvent } from 'react';
import type { CsvMapping, ImportPreview, ImportRow, Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { useApi } from '../../app/console-context.js';
import { Modal } from '../../components/Modal.js';
import { decodeCsv } from './decode-csv.js';
import { ImportOutcome } from './ImportOutcome.js';
import { Spinner } from '../../components/Spinner.js';
import { VirtualTable, type TableColumn } from '../../components/VirtualTable.js';
import { downloadSampleRegistrations } from './sample-registrations.js';
import { useAction } from './use-action.js';

type Outcome = MethodOutput<'leads:import'>;

const previewColumns: TableColumn<ImportRow>[] = [
  { key: 'line', header: 'Line', width: '64px', cell: (row) => row.line },
  {
    key: 'name',
    header: 'Name',
    width: 'minmax(140px, 2fr)',
    cell: (row) => (row.name ? <WholeText text={row.name} /> : <span className="muted">—</span>),
  },
  {
    key: 'phone',
    header: 'Phone as written',
    width: 'minmax(170px, 1.5fr)',
    cell: (row) => (row.rawPhone ? <WholeText text={row.rawPhone} /> : <span className="muted">—</span>),
  },
  {
    key: 'email',
    header: 'Email',
    width: 'minmax(120px, 1.2fr)',
    cell: (row) => (row.email ? <WholeText text={row.email} /> : <span className="muted">—</span>),
  },
  {
    key: 'status',
    header: 'Status',
    width: 'minmax(240px, 3fr)',
    cell: (row) =>
      row.error ? (
        <WholeText text={row.error} className="import-row--invalid" />
      ) : row.duplicateOf !== null ? (
        <span className="badge badge--attention">Same person as line {row.duplicateOf}</span>
      ) : (
        <span className="success">+{row.phone}</span>
      ),
  },
];

/** Up to two lines in the fixed-height row, and the whole text on hover: the column to check is never cut off unseen. */
function WholeText({ text, className }: { text: string; className?: string }) {
  return (
    <span className={className ? `import__cell-text ${className}` : 'import__cell-text'} title={text}>
      {text}
    </span>
  );
}

const previewTone = (row: ImportRow) => (row.error ? 'danger' : row.duplicateOf !== null ? 'attention' : null);

/**
 * Pick a file, check the core's reading of it, then import in one go: the core either
 * imports every accepted row or none, so the preview is what lands.
 */
export function LeadImportDialog({ workshop, onClose }: { workshop: Workshop; onClose: () => void }) {
  const api = useApi();
  const fileId = useId();
  const previewing = useAction();
  const importing = useAction();
  const [csv, setCsv] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<CsvMapping | null>(null);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [onlyProblems, setOnlyProblems] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  /** Why a file was refused, or how it was read when that is worth checking (not UTF-8). */
  const [readProblem, setReadProblem] = useState<string | null>(null);
  const [readRefused, setReadRefused] = useState(false);

  async function runPreview(text: string, chosen?: CsvMapping) {
    const result = await previewing.run(() =>
      api.call('leads:import-preview', { workshopId: workshop.id, csv: text, ...(chosen ? { mapping: chosen } : {}) }),
    );
    setPreview(result);
    setMapping(result?.mapping ?? chosen ?? null);
  }

  async function pickFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (file) await readFile(file);
  }

  const [dragging, setDragging] = useState(false);
  function dropFile(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file && !busy) void readFile(file);
  }

  async function readFile(file: File) {
    const decoded = decodeCsv(await readBytes(file));
    setReadProblem(decoded.ok ? decoded.note : decoded.reason);
    setReadRefused(!decoded.ok);
    if (!decoded.ok) {
      setCsv(null);
      setPreview(null);
      return;
    }
    const text = decoded.text;
    setCsv(text);
    setOutcome(null);
    setSkipInvalid(false);
    await runPreview(text);
  }

  const remap = (key: keyof CsvMapping) => (event: ChangeEvent<HTMLSelectElement>) => {
    if (!csv || !preview) return;
    const value = event.target.value === '' ? null : event.target.value;
    const next: CsvMapping = { ...(mapping ?? { name: null, phone: '', email: null }), [key]: value };
    setMapping(next);
    if (next.phone) void runPreview(csv, next);
  };

  async function runImport() {
    if (!csv || !mapping) return;
    const result = await importing.run(() => api.call('leads:import', { workshopId: workshop.id, csv, mapping, skipInvalid }));
    if (result) setOutcome(result);
  }

  const rows = useMemo(
    () => (preview && onlyProblems ? preview.rows.filter((row) => row.error || row.duplicateOf !== null) : (preview?.rows ?? [])),
    [preview, onlyProblems],
  );
  const busy = previewing.busy || importing.busy;
  const blockedByInvalid = (preview?.invalid ?? 0) > 0 && !skipInvalid;
  const whyId = useId();
  const invalidRows = `${(preview?.invalid ?? 0).toLocaleString()} invalid ${preview?.invalid === 1 ? 'row' : 'rows'}`;

  return (
    <Modal title="Import registrations from a CSV" onClose={onClose} wide>
      {outcome ? (
        <ImportOutcome workshopId={workshop.id} outcome={outcome}>
          <button type="button" className="button button--primary" onClick={onClose}>
            Done
          </button>
        </ImportOutcome>
      ) : (
        <div className="import">
          <div
            className={dragging ? 'field import__drop import__drop--over' : 'field import__drop'}
            onDragOver={(event) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={dropFile}
          >
            <label htmlFor={fileId}>CSV file</label>
            <span className="muted">Drop a CSV file here, or choose one:</span>
            <input id={fileId} type="file" accept=".csv,text/csv" onChange={(event) => void pickFile(event)} disabled={busy} />
            <small className="muted">
              One row per person with a phone column; names and emails are optional. Phones may be in any format.{' '}
              <button type="button" className="link-button" onClick={downloadSampleRegistrations}>
                Download a sample CSV
              </button>
            </small>
          </div>
          {readProblem ? (
            <p className={readRefused ? 'error' : 'notice notice--warning'} role={readRefused ? 'alert' : 'status'}>
              {readProblem}
            </p>
          ) : null}
          {previewing.busy ? (
            <p className="muted" role="status">
              <Spinner /> Reading the file…
            </p>
          ) : null}
          {previewing.error ? (
            <p className="error" role="alert">
              {previewing.error}
            </p>
          ) : null}
          {preview ? (
            <>
              <fieldset className="import__mapping" disabled={busy}>
                <legend>Columns</legend>
                <ColumnSelect label="Name" headers={preview.headers} value={mapping?.name ?? null} optional onChange={remap('name')} />
                <ColumnSelect label="Phone" headers={preview.headers} value={mapping?.phone || null} onChange={remap('phone')} />
                <ColumnSelect label="Email" headers={preview.headers} value={mapping?.email ?? null} optional onChange={remap('email')} />
              </fieldset>
              {mapping?.phone ? null : <p className="muted">Choose which column holds the phone numbers to see the rows.</p>}
              <ul className="import__counts" aria-label="Preview counts">
                <li>
                  <strong>{preview.valid.toLocaleString()}</strong> valid
                </li>
                <li className={preview.invalid > 0 ? 'error' : undefined}>
                  <strong>{preview.invalid.toLocaleString()}</strong> invalid
                </li>
                <li>
                  <strong>{preview.duplicates.toLocaleString()}</strong> {preview.duplicates === 1 ? 'duplicate' : 'duplicates'}
                </li>
                <li>
                  <strong>{preview.alreadyRegistered.toLocaleString()}</strong> already registered
                </li>
              </ul>
              {preview.invalid > 0 || preview.duplicates > 0 ? (
                <label className="checkbox">
                  <input type="checkbox" checked={onlyProblems} onChange={(event) => setOnlyProblems(event.target.checked)} />
                  Show only rows with problems or duplicates
                </label>
              ) : null}
              {rows.length > 0 ? (
                <VirtualTable
                  label="Preview"
                  rows={rows}
                  columns={previewColumns}
                  rowKey={(row) => String(row.line)}
                  rowTone={previewTone}
                />
              ) : (
                <p className="muted">No rows to show.</p>
              )}
              <div className="form__actions import__actions">
                {preview.invalid > 0 ? (
                  <label className="checkbox">
                    <input type="checkbox" checked={skipInvalid} onChange={(event) => setSkipInvalid(event.target.checked)} />
                    Skip the {invalidRows}
                  </label>
                ) : null}
                <button
                  type="button"
                  className="button button--primary"
                  aria-describedby={blockedByInvalid ? whyId : undefined}
                  onClick={() => void runImport()}
                  disabled={busy || !mapping?.phone || blockedByInvalid || preview.valid === 0}
                >
                  {importing.busy ? (
                    <>
                      <Spinner /> Importing…
                    </>
                  ) : (
                    'Import'
                  )}
                </button>
              </div>
              {blockedByInvalid ? (
                <p id={whyId} className="muted import__why">
                  Import waits until you tick “Skip the {invalidRows}”:{' '}
                  {preview.invalid === 1
                    ? 'that row cannot be imported as it is; the others are.'
                    : 'those rows cannot be imported as they are; the others are.'}
                </p>
              ) : null}
              {importing.error ? (
                <p className="error" role="alert">
                  {importing.error}
                </p>
              ) : null}
            </>
          ) : null}
        </div>
      )}
    </Modal>
  );
}

/** FileReader rather than file.arrayBuffer(): it works in every DOM the console runs in. The bytes are decoded by decodeCsv. */
function readBytes(file: File): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error(`Could not read ${file.name}`));
    reader.readAsArrayBuffer(file);
  });
}

function ColumnSelect({
  label,
  headers,
  value,
  optional,
  onChange,
}: {
  label: string;
  headers: string[];
  value: string | null;
  optional?: boolean;
  onChange: (event: ChangeEvent<HTMLSelectElement>) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label} column</label>
      <select id={id} value={value ?? ''} onChange={onChange}>
        <option value="" disabled={!optional}>
          {optional ? 'None' : 'Choose a column'}
        </option>
        {headers.map((header) => (
          <option key={header} value={header}>
            {header}
          </option>
        ))}
      </select>
    </div>
  );
}

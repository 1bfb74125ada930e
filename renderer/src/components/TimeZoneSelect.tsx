import { useMemo } from 'react';
import { offeredTimeZones } from '../../../shared/time/time-zone-names.js';

/**
 * Every IANA zone the browser knows, each once under its current name (Asia/Kolkata, not
 * also Asia/Calcutta), keeping a stored zone it does not list selectable rather than
 * silently replaced.
 */
export function TimeZoneSelect({ id, value, onChange }: { id: string; value: string; onChange: (zone: string) => void }) {
  const zones = useMemo(() => {
    const known = offeredTimeZones(Intl.supportedValuesOf('timeZone'));
    return known.includes(value) ? known : [value, ...known];
  }, [value]);
  return (
    <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
      {zones.map((zone) => (
        <option key={zone} value={zone}>
          {zone}
        </option>
      ))}
    </select>
  );
}

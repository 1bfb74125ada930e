/** What saving a workshop did to its reminders still to go, said once on its page. */
export function rescheduleNotice(reminders: { moved: number; cancelled: number } | undefined): string | undefined {
  if (!reminders) return undefined;
  const { moved, cancelled } = reminders;
  if (moved === 0 && cancelled === 0) return 'Saved. No reminder still to go had to move.';
  const parts = [
    moved > 0 ? `${moved} ${moved === 1 ? 'reminder' : 'reminders'} moved to the new time` : null,
    cancelled > 0
      ? `${cancelled} cancelled because ${cancelled === 1 ? 'its new time has' : 'their new times have'} already passed or ${cancelled === 1 ? 'it' : 'they'} can no longer be sent`
      : null,
  ].filter((part) => part !== null);
  return `Saved. ${parts.join('; ')}.`;
}

/**
 * What "Tell the group" puts in Quick Send after a time change. It keeps its variables, so the preview and the send
 * render it from the workshop's values through the same rule as every template (a missing join link is pointed out there).
 */
export const timeChangeMessage = 'Change of time: {workshop_name} now starts at {start_time}. Join here: {join_link}';

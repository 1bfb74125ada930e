/** One option per workshop, in the list's order; the menu around it supplies its own first option ("All workshops"…). */
export function WorkshopOptions({ workshops }: { workshops: readonly { id: string; name: string }[] | null }) {
  return (
    <>
      {(workshops ?? []).map((workshop) => (
        <option key={workshop.id} value={workshop.id}>
          {workshop.name}
        </option>
      ))}
    </>
  );
}

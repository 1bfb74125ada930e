/** The approved templates a campaign or a reminder can use, each named with its language and cost class. */
export function TemplateOptions({ templates }: { templates: readonly { id: string; name: string; language: string; category: string }[] }) {
  return (
    <>
      <option value="">Choose an approved template</option>
      {templates.map((t) => (
        <option key={t.id} value={t.id}>
          {t.name} ({t.language}, {t.category.toLowerCase()})
        </option>
      ))}
    </>
  );
}

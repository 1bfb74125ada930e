import type { InputHTMLAttributes, ReactNode } from 'react';

/** Label, control, hint and the core's message for this field, in the console's form style. */
export function FormField({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? <small className="muted">{hint}</small> : null}
      {error ? <small className="error">{error}</small> : null}
    </div>
  );
}

/** A FormField holding one text input, its value a string: the common case of every form. */
export function TextField({
  id,
  label,
  hint,
  error,
  value,
  onChange,
  ...input
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  value: string;
  onChange: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>) {
  return (
    <FormField id={id} label={label} hint={hint} error={error}>
      <input id={id} value={value} onChange={(event) => onChange(event.target.value)} {...input} />
    </FormField>
  );
}

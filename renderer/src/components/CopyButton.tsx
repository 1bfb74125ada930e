import { useState } from 'react';

/** Puts `text` on the clipboard and says so on the button itself. */
export function CopyButton({ text, label = 'Copy', done = 'Copied' }: { text: string; label?: string; done?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () =>
    navigator.clipboard.writeText(text).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  return (
    <button type="button" className="button button--small" onClick={() => void copy()}>
      {copied ? done : label}
    </button>
  );
}

/** Why a form could not be saved, read out as soon as it appears; nothing while there is no failure. */
export function FormFailure({ failure }: { failure: string | null | undefined }) {
  return failure ? (
    <p className="error" role="alert">
      {failure}
    </p>
  ) : null;
}

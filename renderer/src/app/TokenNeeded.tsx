/** A browser that opened the console without its access token sees this and no data. */
export function TokenNeeded({ reason }: { reason: 'missing' | 'refused' }) {
  return (
    <main className="gate">
      <div className="card gate__card">
        <img src="/favicon.svg" alt="" width={48} height={48} />
        <h1>{reason === 'missing' ? 'Access token needed' : 'Access token not accepted'}</h1>
        <p>
          {reason === 'missing'
            ? 'This console only answers to the link it printed when it started. '
            : 'The token in this link does not match the running console (it may have been replaced with --new-token). '}
          Open the URL shown after <code>Console ready at</code> in the terminal where you ran <code>npm run serve</code>.
        </p>
      </div>
    </main>
  );
}

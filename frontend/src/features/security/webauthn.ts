// The browser's half of a passkey ceremony: the server's options (JSON) in, the credential (JSON) out.
// The WebAuthn Level 3 JSON helpers do the base64url work; a browser without them cannot use passkeys here.

type Json = Record<string, unknown>;

export function passkeysSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    typeof window.PublicKeyCredential !== 'undefined' &&
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function'
  );
}

function toJson(credential: Credential | null): Json {
  if (!credential) throw new Error('No passkey was chosen.');
  return (credential as PublicKeyCredential).toJSON() as Json;
}

/** navigator.credentials.create() with the server's registration options. */
export async function createPasskey(options: Json): Promise<Json> {
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(
    options as unknown as PublicKeyCredentialCreationOptionsJSON,
  );
  return toJson(await navigator.credentials.create({ publicKey }));
}

/** navigator.credentials.get() with the server's authentication options. */
export async function getPasskey(options: Json): Promise<Json> {
  const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(
    options as unknown as PublicKeyCredentialRequestOptionsJSON,
  );
  return toJson(await navigator.credentials.get({ publicKey }));
}

/** What to tell the person when the browser's dialog failed or was dismissed. */
export function passkeyProblem(error: unknown): string {
  if (error instanceof DOMException && error.name === 'NotAllowedError') return 'The passkey request was cancelled or timed out.';
  if (error instanceof DOMException && error.name === 'InvalidStateError') return 'That passkey is registered already.';
  return error instanceof Error ? error.message : 'The passkey could not be used.';
}

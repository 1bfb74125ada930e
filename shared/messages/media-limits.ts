/**
 * How large an attachment WhatsApp takes, by how the console sends it. The core sends a file whose
 * type is image/* as a photo and every other file as a document, so those are the two kinds.
 * WhatsApp publishes these limits for media messages: photos (JPEG, PNG) up to 5 MB, documents up to
 * 100 MB (audio and video sent as media up to 16 MB, but the console sends those as documents).
 * "MB" here is WhatsApp's: 1024 × 1024 bytes.
 */
export type MediaKind = 'image' | 'document';

const MB = 1024 * 1024;

export const MEDIA_LIMIT_BYTES: Readonly<Record<MediaKind, number>> = { image: 5 * MB, document: 100 * MB };

const KIND_WORDS: Record<MediaKind, string> = { image: 'photos', document: 'documents' };

export function mediaKindOf(mimetype: string): MediaKind {
  return mimetype.toLowerCase().startsWith('image/') ? 'image' : 'document';
}

/** The size the way people read it: "120.0 MB", "512 KB". */
export function formatFileSize(bytes: number): string {
  return bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** The plain-words refusal for a file over its kind's limit, or null when WhatsApp takes it. */
export function mediaSizeProblem(file: { fileName: string; mimetype: string; bytes: number }): string | null {
  const kind = mediaKindOf(file.mimetype);
  const limit = MEDIA_LIMIT_BYTES[kind];
  if (file.bytes <= limit) return null;
  return `“${file.fileName}” is ${formatFileSize(file.bytes)}; WhatsApp takes ${KIND_WORDS[kind]} up to ${limit / MB} MB.`;
}

/** Bytes a base64 string decodes to, without decoding it. */
export function base64DecodedBytes(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/** Length of the base64 text for the largest file any kind allows. */
export const MAX_MEDIA_BASE64_CHARS = Math.ceil(Math.max(...Object.values(MEDIA_LIMIT_BYTES)) / 3) * 4;

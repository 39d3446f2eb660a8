export type DocumentFormat = 'pdf' | 'png' | 'jpeg' | 'tiff';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// ISO 32000-1 §7.5.2 tolerates bytes before the header; readers (and pdf.js) look in the first 1024.
const PDF_HEADER_WINDOW = 1024;

/** The document type from its magic bytes. The file name is never trusted. */
export function sniff(buf: Buffer): DocumentFormat | null {
  if (buf.length >= 8 && buf.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  // Classic TIFF only (II*\0 / MM\0*); BigTIFF (43) is not something scanners write.
  if (buf.length >= 4 && ((buf[0] === 0x49 && buf[1] === 0x49 && buf[2] === 42 && buf[3] === 0) || (buf[0] === 0x4d && buf[1] === 0x4d && buf[2] === 0 && buf[3] === 42))) return 'tiff';
  if (buf.subarray(0, PDF_HEADER_WINDOW).includes('%PDF-', 0, 'latin1')) return 'pdf';
  return null;
}

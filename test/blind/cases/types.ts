/** The blind set's expected values (see test/blind/README.md for the conventions). */
export interface Expected {
  name: string | null;
  street: string | null;
  house_number: string | null;
  postcode: string | null;
  city: string | null;
  email: string | null;
  /** E.164. */
  phones: string[];
  bsn: string | null;
  on_behalf_of: string | null;
  is_case: boolean;
  /** One of processors/classify TOPICS; null for a non-case. */
  topic: string | null;
  language: 'nl' | 'en';
  signature_images: number;
}

export type Kind =
  | 'letter_name'
  | 'letter_email'
  | 'letter_poor_print'
  | 'email_representative'
  | 'email_rfc822_forward'
  | 'email_quoted_history'
  | 'noncase'
  | 'signature_image'
  | 'control_email'
  | 'control_letter';

export const NONE: Omit<Expected, 'is_case' | 'topic' | 'language'> = {
  name: null, street: null, house_number: null, postcode: null, city: null, email: null, phones: [], bsn: null, on_behalf_of: null, signature_images: 0,
};

export function exp(language: 'nl' | 'en', topic: string | null, fields: Partial<Expected>): Expected {
  return { ...NONE, is_case: topic !== null, topic, language, ...fields };
}

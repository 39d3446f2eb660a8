/** The second blind set's expected values (conventions as test/blind/README.md; see test/blind2/README.md). */
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
  | 'email_representative'
  | 'email_quoted_history'
  | 'email_rfc822_forward'
  | 'noncase'
  | 'control_email'
  | 'letter_name'
  | 'letter_email'
  | 'letter_poor_print'
  | 'control_letter';

export const NONE: Omit<Expected, 'is_case' | 'topic' | 'language'> = {
  name: null, street: null, house_number: null, postcode: null, city: null, email: null, phones: [], bsn: null, on_behalf_of: null, signature_images: 0,
};

export function exp(language: 'nl' | 'en', topic: string | null, fields: Partial<Expected>): Expected {
  return { ...NONE, is_case: topic !== null, topic, language, ...fields };
}

/** A non-case: only case / non-case is scored. */
export function noncase(language: 'nl' | 'en'): Expected {
  return exp(language, null, {});
}

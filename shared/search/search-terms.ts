/** What a search box's text asks for, read the same way by the core's SQL and the page's own filter. */
export interface SearchTerms {
  /** Lower-cased text to find inside a name, email or LID; '' matches everything. */
  text: string;
  /** The same without accents (see foldForSearch), to find inside a folded name or email. */
  folded: string;
  /** The digits of a number to find inside a phone or LID; '' when the query holds letters. */
  digits: string;
}

/**
 * "98188 61043", "098188-61043" and "+91 98188 61043" all find 919818861043: the digits
 * without a trunk 0. Digits count only when the query is a number, so "lead 4" does not
 * match every phone with a 4 in it.
 */
export function searchTerms(query: string): SearchTerms {
  const text = query.trim().toLowerCase();
  const digits = /\p{L}/u.test(text) ? '' : text.replace(/\D/g, '').replace(/^0+/, '');
  return { text, folded: foldForSearch(text), digits };
}

/** Letters that carry no accent to strip but are read as a plain letter by someone typing on an English keyboard. */
const plainLetters: Record<string, string> = { ı: 'i', ø: 'o', ł: 'l', đ: 'd', ß: 'ss', æ: 'ae', œ: 'oe', þ: 'th' };

/**
 * Lower case without accents, so "agaoglu" finds "Ağaoğlu" and "jose" finds "José": the
 * accents go with Unicode decomposition (NFKD), the letters that have none become the plain
 * letter people type for them.
 */
export function foldForSearch(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ıøłđßæœþ]/g, (letter) => plainLetters[letter] ?? letter);
}

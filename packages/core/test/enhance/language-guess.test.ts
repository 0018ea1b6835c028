import { tokenize } from '@contextframe/dataset';
import { describe, expect, it } from 'vitest';
import { guessLanguage, STOPWORDS } from '../../src/enhance/language-guess.js';

describe('guessLanguage', () => {
  it.each([
    ['en', 'The cache keeps the vectors in memory and it is rebuilt when the file changes.'],
    ['de', 'Der Index wird bei jeder Änderung neu aufgebaut und ist sofort nutzbar.'],
    ['fr', "Le fichier est lu une seule fois et les données sont gardées dans la mémoire."],
    ['es', 'El archivo se lee una vez y los datos se guardan en la memoria para las consultas.'],
    ['it', 'Il file viene letto una volta e i dati sono tenuti nella memoria per le ricerche.'],
    ['nl', 'Het bestand wordt een keer gelezen en de gegevens blijven in het geheugen.'],
    ['pt', 'O arquivo é lido uma vez e os dados ficam na memória para as consultas.'],
  ])('recognises %s', (language, text) => {
    expect(guessLanguage(tokenize(text))).toBe(language);
  });

  it('answers und for code, numbers, too few stopwords, or a tie', () => {
    expect(guessLanguage(tokenize('const x = f(y); return x;'))).toBe('und');
    expect(guessLanguage(tokenize('12 34 56'))).toBe('und');
    expect(guessLanguage(tokenize('the vectors'))).toBe('und');
    // "die" and "the" twice: two languages with two hits each.
    expect(guessLanguage(['the', 'the', 'und', 'und'])).toBe('und');
  });

  it('has lower-case stopword lists, as tokenize yields words', () => {
    for (const words of Object.values(STOPWORDS)) for (const word of words) expect(tokenize(word)).toEqual([word]);
  });
});

// A cheap language guess from stopword profiles: function words are the most frequent words of any text.

/** Common function words of the languages guessLanguage knows, as `tokenize` yields them (lower-case). */
export const STOPWORDS: { readonly [language: string]: ReadonlySet<string> } = Object.freeze({
  en: words(
    'a about above after again against all also am an and any are as at be because been before being below between both but by ' +
      'can could did do does doing down during each either else few for from further had has have having he her here hers him his ' +
      'how however i if in into is it its itself just least less let like made make many may me might more most much must my ' +
      'neither no nor not now of off often on once one only or other our ours out over own per rather same she should since so ' +
      'some such than that the their theirs them then there these they this those though through thus to too under until up upon ' +
      'us use used uses using very via was we were what when where whether which while who whom whose why will with within without ' +
      'would yet you your yours',
  ),
  de: words(
    'aber alle allem allen aller alles als also am an auch auf aus bei bin bis bist da damit dann das dass dem den denn der des ' +
      'dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines er es etwas euch ' +
      'für hat hatte haben hier ich ihr ihre im in ist ja jede jeder jedes kann kein keine mich mit muss nach nicht noch nun nur ob ' +
      'oder ohne sehr sein seine sich sie sind so über um und uns unser unter vom von vor war waren was weil wenn werden wie wir ' +
      'wird wo zu zum zur zwischen',
  ),
  fr: words(
    'à au aux avec ce ces cette dans de des du elle elles en est et être il ils je la le les leur leurs lui mais me même mes moi ' +
      'mon ne nos notre nous on ont ou où par pas pour qu que qui sa sans se ses son sont sur ta te tes toi ton tous tout très tu ' +
      'un une vos votre vous été était sont aussi comme entre plus peut fait',
  ),
  es: words(
    'a al algo como con contra cual cuando de del desde donde el ella ellas ellos en entre era es esa ese eso esta este esto ' +
      'estos fue ha hay la las le les lo los más me mi muy nada ni no nos o otra otro para pero por porque que quien se sea ser ' +
      'si sin sobre son su sus también te tiene todo todos tu un una uno unos y ya yo',
  ),
  it: words(
    'a ad al alla alle anche che chi ci come con da dal dalla dei del della delle di dove e è ed gli ha hanno il in io la le lei ' +
      'lo loro lui ma mi nei nel nella non noi o per perché più quale quando questa questo se si sono su sua sue suo suoi sul ' +
      'sulla tra tu un una uno voi',
  ),
  nl: words(
    'aan al als bij dan dat de deze die dit doen door een en er geen had heb hebben heeft het hij hoe hun ik in is je kan maar ' +
      'me meer met mij na naar niet nog nu of om omdat ons ook op over te tegen toch tot u uit van veel voor want was wat we wel ' +
      'werd wie wij worden wordt zal ze zich zij zijn zo zou',
  ),
  pt: words(
    'a ao aos as com como da das de dela dele do dos e é ela ele eles em entre era essa esse esta este eu foi for há isso isto ' +
      'já mais mas me meu minha muito na nas não nem no nos nós o os ou para pela pelo por qual quando que quem se sem ser seu ' +
      'sua são também te tem um uma você',
  ),
});

function words(list: string): ReadonlySet<string> {
  return new Set(list.split(' '));
}

/** The result when no language stands out. */
export const UNDETERMINED_LANGUAGE = 'und';

/** Fewest stopword hits a guess needs: a handful of words says nothing. */
const MIN_HITS = 2;

/**
 * Guesses the language of `tokens` (from `tokenize`): the language whose stopwords occur most often, as an
 * ISO 639-1 code (en, de, fr, es, it, nl, pt). Returns `und` when fewer than 2 stopwords occur or two
 * languages tie, e.g. for code, tables of numbers or text in another language.
 */
export function guessLanguage(tokens: readonly string[]): string {
  const hits = new Map<string, number>();
  for (const token of tokens) {
    for (const [language, stopwords] of Object.entries(STOPWORDS)) {
      if (stopwords.has(token)) hits.set(language, (hits.get(language) ?? 0) + 1);
    }
  }
  const ranked = [...hits].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (best === undefined || best[1] < MIN_HITS || (second !== undefined && second[1] === best[1])) return UNDETERMINED_LANGUAGE;
  return best[0];
}

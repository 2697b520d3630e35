import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { seededRandom } from './seeded-random.js';

/**
 * A generated history for the history rows: a LightChat JSON export of `conversations`
 * conversations and `messages` messages (one of them `longest` messages long), about 600
 * characters a message of prose with a Zipf-like vocabulary, code blocks and Chinese text.
 * Deterministic (a seeded generator), written to a file one conversation at a time.
 */

export interface HistoryShape {
  conversations: number;
  messages: number;
  /** The messages of the first conversation: the one opened in the "long conversation" row. */
  longest: number;
}

export interface GeneratedHistory {
  path: string;
  bytes: number;
  /** UTF-8 bytes of all message texts. */
  textBytes: number;
  longestId: string;
  /** Query words by band, with how many messages hold each. */
  bands: { band: string; query: string; messages: number }[];
}

/** A word that occurs in exactly a few messages. */
const RARE_WORD = 'quillwort';
const RARE_MESSAGES = 3;
/** The rank of the "median" word in the vocabulary (of 4,000). */
const MEDIAN_RANK = 400;
const VOCABULARY = 4000;
/** Common Chinese characters (the CJK part of the texts, and the 2-character queries). */
const CJK =
  '你好世界我们的是在有个人这中大为上来说国和地到以时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象';

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  're',
  'tu',
  'sen',
  'dar',
  'vi',
  'no',
  'pel',
  'qua',
  'zin',
  'bo',
  'rit',
  'ux',
  'fe',
];

/** Word `rank` of the vocabulary: rank 0 is "the". */
function word(rank: number): string {
  if (rank === 0) return 'the';
  let text = '';
  let n = rank;
  do {
    text += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  } while (n > 0);
  return text;
}

const uuidOf = (kind: number, n: number): string => {
  const hex = n.toString(16).padStart(12, '0');
  return `0192${kind.toString(16).padStart(4, '0')}-0000-7000-8000-${hex}`;
};

export async function generateHistory(path: string, shape: HistoryShape): Promise<GeneratedHistory> {
  const random = seededRandom(12);
  const words = Array.from({ length: VOCABULARY }, (_, rank) => word(rank));
  // Zipf: the word of rank r is drawn with weight 1 / (r + 1), through a 65,536-slot table.
  const harmonic = words.reduce((sum, _, rank) => sum + 1 / (rank + 1), 0);
  const table = new Uint16Array(65536);
  let slot = 0;
  let cumulative = 0;
  for (let rank = 0; rank < VOCABULARY; rank++) {
    cumulative += 1 / (rank + 1) / harmonic;
    const until = Math.min(65536, Math.round(cumulative * 65536));
    for (; slot < until; slot++) table[slot] = rank;
  }
  for (; slot < 65536; slot++) table[slot] = VOCABULARY - 1;

  let medianMessages = 0;
  let commonMessages = 0;
  let cjkPairMessages = 0;
  let seenCommon = false;
  const prose = (count: number): string => {
    const out: string[] = [];
    let median = false;
    for (let i = 0; i < count; i++) {
      const rank = table[Math.floor(random() * 65536)] as number;
      if (rank === MEDIAN_RANK) median = true;
      if (rank === 0) seenCommon = true;
      out.push(words[rank] as string);
      if (i % 14 === 13) out.push('.\n');
    }
    if (median) medianMessages++;
    return out.join(' ');
  };
  const chinese = (count: number): string => {
    let text = '';
    for (let i = 0; i < count; i++) text += CJK[Math.floor(random() * CJK.length)];
    if (text.includes('世界')) cjkPairMessages++;
    return text;
  };
  const code = (n: number): string =>
    `\`\`\`ts\nexport function step${n}(items: number[]): number {\n  let total = 0;\n  for (const item of items) total += item * ${n % 97};\n  return total;\n}\n\`\`\``;

  const rareAt = new Set(
    Array.from({ length: RARE_MESSAGES }, (_, i) => Math.floor(((i + 1) * shape.messages) / 4)),
  );
  const content = (index: number, role: 'user' | 'assistant'): string => {
    const kind = random();
    const length = role === 'user' ? 50 : 185;
    let text: string;
    if (kind < 0.7) text = prose(length);
    else if (kind < 0.85) text = `${prose(Math.floor(length / 2))}\n\n${code(index)}`;
    else text = `${chinese(Math.floor(length * 1.2))}\n${prose(Math.floor(length / 3))}`;
    if (seenCommon) commonMessages++;
    seenCommon = false;
    return rareAt.has(index) ? `${text} ${RARE_WORD}` : text;
  };

  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  let bytes = 0;
  let textBytes = 0;
  const others = shape.conversations - 1;
  const rest = shape.messages - shape.longest;
  const start = Date.UTC(2025, 0, 1);
  let messageIndex = 0;
  await write('{"format":"lightchat.conversations","version":1,"conversations":[');
  for (let c = 0; c < shape.conversations; c++) {
    const count = c === 0 ? shape.longest : Math.floor(rest / others) + (c - 1 < rest % others ? 1 : 0);
    const time = start + c * 60_000;
    const messages: string[] = [];
    let parent: string | null = null;
    let title = '';
    for (let m = 0; m < count; m++) {
      const id = uuidOf(1, messageIndex);
      const role = m % 2 === 0 ? 'user' : 'assistant';
      const text = content(messageIndex, role);
      if (m === 0) title = text.slice(0, 60);
      textBytes += Buffer.byteLength(text);
      messages.push(
        JSON.stringify({
          id,
          parent_id: parent,
          role,
          content: text,
          status: 'done',
          created_at: new Date(time + m * 1000).toISOString(),
        }),
      );
      parent = id;
      messageIndex++;
    }
    const conversation = `${c === 0 ? '' : ','}\n{"id":"${uuidOf(0, c)}","title":${JSON.stringify(title)},"created_at":"${new Date(time).toISOString()}","updated_at":"${new Date(time + count * 1000).toISOString()}","current_leaf_id":${JSON.stringify(parent)},"messages":[${messages.join(',')}]}`;
    bytes += Buffer.byteLength(conversation);
    await write(conversation);
  }
  await write('\n]}\n');
  out.end();
  await once(out, 'finish');
  return {
    path,
    bytes,
    textBytes,
    longestId: uuidOf(0, 0),
    bands: [
      { band: 'rare', query: RARE_WORD, messages: RARE_MESSAGES },
      { band: 'median', query: words[MEDIAN_RANK] as string, messages: medianMessages },
      { band: 'very common', query: 'the', messages: commonMessages },
      { band: '2-char CJK', query: '世界', messages: cjkPairMessages },
    ],
  };
}

/**
 * The built-in vocabularies: the names under which the city's registers, the 112 call log and
 * common open-data portals write our categories and kinds, in Russian, Kazakh and English. One
 * table per list of allowed values; a profile's `values` map (src/import/profile.ts) is applied
 * before it and so extends or overrides it. Keys are compared by `vocabularyKey`: lower case,
 * `ё` as `е`, runs of blanks, hyphens and underscores as one space.
 */
import { INCIDENT_CATEGORIES, POST_KINDS, ROAD_DEFECT_KINDS, YOUTH_FACILITY_KINDS } from '../domain';

export function vocabularyKey(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\s\-_]+/g, ' ');
}

/** value -> the names that mean it (besides the value itself) */
const CATEGORY_NAMES: Record<(typeof INCIDENT_CATEGORIES)[number], string[]> = {
  theft: ['кража', 'кражи', 'тайное хищение', 'хищение', 'карманная кража', 'ұрлық', 'ұрлау', 'larceny', 'stealing', 'shoplifting', 'other theft', 'theft from the person', 'bicycle theft'],
  burglary: ['кража со взломом', 'квартирная кража', 'кража из квартиры', 'пәтер ұрлығы', 'тұрғын үйге ұрлық', 'burglary', 'breaking and entering'],
  robbery: ['грабеж', 'грабёж', 'разбой', 'разбойное нападение', 'тонау', 'қарақшылық', 'robbery', 'mugging'],
  assault: ['нападение', 'избиение', 'побои', 'причинение вреда здоровью', 'телесные повреждения', 'денсаулыққа зиян келтіру', 'ұрып соғу', 'battery', 'assault', 'violent crime'],
  hooliganism: ['хулиганство', 'мелкое хулиганство', 'бұзақылық', 'ұсақ бұзақылық'],
  fraud: ['мошенничество', 'алаяқтық', 'deceptive practice', 'fraud', 'scam'],
  road_collision: ['дтп', 'дорожно транспортное происшествие', 'жкж', 'жко', 'жол көлік оқиғасы', 'жол көлік оқиғасы (жкж)', 'traffic accident', 'road accident', 'collision', 'traffic collision'],
  drugs: ['наркотики', 'незаконный оборот наркотиков', 'есірткі', 'narcotics', 'drugs'],
  weapons: ['оружие', 'незаконное ношение оружия', 'қару', 'weapons violation', 'possession of weapons', 'concealed carry license violation'],
  vandalism: ['вандализм', 'порча имущества', 'умышленное повреждение имущества', 'мүлікті бүлдіру', 'criminal damage', 'criminal damage and arson'],
  domestic_conflict: ['бытовой конфликт', 'семейно бытовой конфликт', 'семейный скандал', 'тұрмыстық жанжал', 'отбасылық жанжал', 'domestic disturbance', 'domestic dispute'],
  sexual_offence: ['изнасилование', 'половое преступление', 'зорлау', 'criminal sexual assault', 'sex offense', 'sexual assault'],
  drunkenness: ['пьянство', 'появление в нетрезвом виде', 'распитие спиртных напитков', 'мас күйінде', 'маскүнемдік', 'public intoxication', 'liquor law violation'],
  anti_social_behaviour: ['антиобщественное поведение', 'антиқоғамдық мінез құлық', 'anti social behaviour', 'anti social behavior'],
  public_order: ['нарушение общественного порядка', 'нарушение тишины', 'қоғамдық тәртіпті бұзу', 'public peace violation', 'public order'],
  vehicle_crime: ['угон', 'угон автомобиля', 'угон транспортного средства', 'кража из автомобиля', 'көлік ұрлығы', 'айдап әкету', 'motor vehicle theft', 'vehicle theft'],
  other: ['другое', 'прочее', 'иное', 'басқа', 'басқалар', 'other offense', 'other crime'],
};

const ROAD_DEFECT_NAMES: Record<(typeof ROAD_DEFECT_KINDS)[number], string[]> = {
  pothole: ['яма', 'выбоина', 'выбоины', 'шұңқыр', 'ойық', 'pot hole'],
  broken_surface: ['разрушение покрытия', 'разрушенное покрытие', 'трещины', 'жабынның бұзылуы', 'damaged surface'],
  missing_sidewalk: ['нет тротуара', 'отсутствует тротуар', 'тротуар жоқ', 'no sidewalk'],
  missing_crosswalk: ['нет пешеходного перехода', 'отсутствует пешеходный переход', 'жаяу жүргінші өткелі жоқ', 'no crosswalk'],
  broken_crosswalk: ['стертая разметка перехода', 'поврежденный пешеходный переход', 'бүлінген өткел', 'faded crosswalk'],
  missing_sign: ['нет знака', 'отсутствует дорожный знак', 'белгі жоқ', 'no sign', 'sign missing'],
  other: ['другое', 'прочее', 'басқа'],
};

const FACILITY_NAMES: Record<(typeof YOUTH_FACILITY_KINDS)[number], string[]> = {
  football_field: ['футбольное поле', 'мини футбольное поле', 'футбол алаңы', 'soccer field'],
  sports_ground: ['спортивная площадка', 'спортплощадка', 'спорт алаңы', 'workout', 'sports field'],
  youth_club: ['молодежный клуб', 'молодёжный центр', 'молодежный центр', 'подростковый клуб', 'жастар клубы', 'жастар орталығы', 'youth center', 'youth centre'],
  playground: ['детская площадка', 'балалар алаңы', 'ойын алаңы'],
  gym: ['спортзал', 'спортивный зал', 'тренажерный зал', 'фитнес', 'спорт залы', 'fitness'],
  other: ['другое', 'прочее', 'басқа'],
};

const POST_NAMES: Record<(typeof POST_KINDS)[number], string[]> = {
  modular_post: ['модульный пост', 'мпп', 'модульный пункт полиции', 'модульдік пост'],
  precinct_office: ['участковый пункт полиции', 'упп', 'участковый пункт', 'учаскелік полиция пункті'],
  police_station: ['отдел полиции', 'уп', 'управление полиции', 'полиция бөлімі', 'police station'],
};

function table(names: Record<string, string[]>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [value, synonyms] of Object.entries(names)) {
    map.set(vocabularyKey(value), value);
    for (const name of synonyms) map.set(vocabularyKey(name), value);
  }
  return map;
}

/** Per list of allowed values (the same array object as in src/domain.ts): name key -> value. */
const VOCABULARIES = new Map<readonly string[], Map<string, string>>([
  [INCIDENT_CATEGORIES, table(CATEGORY_NAMES)],
  [ROAD_DEFECT_KINDS, table(ROAD_DEFECT_NAMES)],
  [YOUTH_FACILITY_KINDS, table(FACILITY_NAMES)],
  [POST_KINDS, table(POST_NAMES)],
]);

/** The value a name means in the built-in vocabulary of `allowed`, or null. */
export function vocabularyValue(text: string, allowed: readonly string[]): string | null {
  return VOCABULARIES.get(allowed)?.get(vocabularyKey(text)) ?? null;
}

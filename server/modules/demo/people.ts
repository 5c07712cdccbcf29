/**
 * Fictitious names and languages for the synthetic population: short lists per language area, so
 * that names and mother tongues fit the nationality without describing anyone real.
 */
import type { Random } from './random.ts';

interface Pool {
  family: readonly string[];
  female: readonly string[];
  male: readonly string[];
}

const POOLS = {
  arabic: {
    family: [
      'El Amrani',
      'Benali',
      'Bouzid',
      'Haddad',
      'Khalil',
      'Mansour',
      'Nasser',
      'Saidi',
      'El Idrissi',
      'Aziz',
      'Hamdan',
      'Chaoui',
      'Ouali',
      'Zerouali',
      'Kassem',
      'Darwish',
      'El Mahdi',
      'Tahiri',
    ],
    female: ['Fatima', 'Amina', 'Khadija', 'Nour', 'Salma', 'Yasmina', 'Leila', 'Samira', 'Hiba', 'Rania', 'Imane', 'Sara'],
    male: ['Mohamed', 'Ahmed', 'Youssef', 'Omar', 'Karim', 'Hassan', 'Bilal', 'Mustafa', 'Ayoub', 'Samir', 'Khaled', 'Anas'],
  },
  persian: {
    family: ['Ahmadi', 'Rahimi', 'Mohammadi', 'Hosseini', 'Karimi', 'Sultani', 'Noori', 'Haidari', 'Rezaei', 'Azizi', 'Jafari', 'Safi', 'Popal', 'Wardak'],
    female: ['Zahra', 'Maryam', 'Fatemeh', 'Parisa', 'Shabnam', 'Mina', 'Soraya', 'Farida', 'Nilofar', 'Marzia'],
    male: ['Ali', 'Reza', 'Mahdi', 'Hamid', 'Javad', 'Farid', 'Nasir', 'Sayed', 'Jawad', 'Rahmat'],
  },
  turkish: {
    family: ['Yilmaz', 'Kaya', 'Demir', 'Sahin', 'Celik', 'Aydin', 'Ozturk', 'Arslan', 'Dogan', 'Kilic', 'Aslan', 'Koc', 'Polat', 'Erdem'],
    female: ['Elif', 'Zeynep', 'Ayse', 'Emine', 'Merve', 'Esra', 'Hatice', 'Busra', 'Derya', 'Gul'],
    male: ['Mehmet', 'Mustafa', 'Emre', 'Burak', 'Murat', 'Hakan', 'Yusuf', 'Okan', 'Serkan', 'Kemal'],
  },
  eastern: {
    family: [
      'Popescu',
      'Ionescu',
      'Stan',
      'Dumitru',
      'Nowak',
      'Wojcik',
      'Kovalenko',
      'Shevchenko',
      'Bondarenko',
      'Petrenko',
      'Horvath',
      'Nagy',
      'Marin',
      'Stoica',
      'Melnyk',
      'Lewandowski',
    ],
    female: ['Ana', 'Maria', 'Elena', 'Ioana', 'Olena', 'Iryna', 'Katarzyna', 'Natalia', 'Daria', 'Svetlana', 'Oksana', 'Agnieszka'],
    male: ['Ion', 'Andrei', 'Mihai', 'Piotr', 'Tomasz', 'Oleksandr', 'Dmytro', 'Nikolai', 'Georgi', 'Vasile', 'Serhii', 'Pavel'],
  },
  balkan: {
    family: ['Gashi', 'Berisha', 'Krasniqi', 'Hoxha', 'Shala', 'Morina', 'Jovanovic', 'Petrovic', 'Nikolic', 'Kelmendi', 'Beridze', 'Hakobyan'],
    female: ['Arta', 'Blerta', 'Jelena', 'Milica', 'Vlora', 'Nino', 'Ani', 'Teuta'],
    male: ['Arben', 'Besnik', 'Dragan', 'Luan', 'Nikola', 'Giorgi', 'Armen', 'Ilir'],
  },
  horn: {
    family: ['Tesfaye', 'Tekle', 'Haile', 'Gebremedhin', 'Berhane', 'Abdi', 'Warsame', 'Mohamud', 'Yohannes', 'Kidane', 'Ghebreab', 'Osman', 'Tsegay'],
    female: ['Meron', 'Selam', 'Helen', 'Senait', 'Hodan', 'Fadumo', 'Saba', 'Luwam', 'Ayan', 'Rahel'],
    male: ['Dawit', 'Yonas', 'Tesfay', 'Abdirahman', 'Filmon', 'Samuel', 'Biniam', 'Abdullahi', 'Mebrahtu', 'Robel'],
  },
  southAsian: {
    family: ['Singh', 'Kumar', 'Sharma', 'Patel', 'Khan', 'Hussain', 'Iqbal', 'Gurung', 'Thapa', 'Rahman', 'Chowdhury', 'Reddy', 'Nair', 'Malik'],
    female: ['Priya', 'Anjali', 'Sunita', 'Ayesha', 'Sana', 'Pooja', 'Kavya', 'Nasreen', 'Divya', 'Sita'],
    male: ['Rahul', 'Amit', 'Imran', 'Arjun', 'Faisal', 'Sandeep', 'Raj', 'Usman', 'Bikash', 'Vikram'],
  },
  latin: {
    family: [
      'Silva',
      'Santos',
      'Oliveira',
      'Garcia',
      'Fernandez',
      'Rodriguez',
      'Lopez',
      'Martinez',
      'Pereira',
      'Rossi',
      'Costa',
      'Gomez',
      'Reyes',
      'Cruz',
      'Ferreira',
      'Romano',
    ],
    female: ['Ana', 'Maria', 'Lucia', 'Carla', 'Gabriela', 'Sofia', 'Juliana', 'Beatriz', 'Camila', 'Giulia'],
    male: ['Carlos', 'João', 'Diego', 'Luis', 'Pedro', 'Marco', 'Rafael', 'Javier', 'Andrés', 'Matteo'],
  },
  african: {
    family: [
      'Mensah',
      'Osei',
      'Diallo',
      'Bah',
      'Camara',
      'Traoré',
      'Okafor',
      'Adeyemi',
      'Mukendi',
      'Ilunga',
      'Fofana',
      'Ndiaye',
      'Kamara',
      'Nkurunziza',
      'Mbuyi',
      'Tchoumi',
    ],
    female: ['Aminata', 'Fatoumata', 'Grace', 'Esther', 'Mariama', 'Chantal', 'Blessing', 'Awa', 'Josiane', 'Akosua'],
    male: ['Mamadou', 'Ibrahima', 'Kwame', 'Emmanuel', 'Jean', 'Kofi', 'Chinedu', 'Moussa', 'Patrick', 'Serge'],
  },
  eastAsian: {
    family: ['Wang', 'Li', 'Zhang', 'Chen', 'Nguyen', 'Tran', 'Le', 'Pham', 'Suksawat', 'Wongsa', 'Liu', 'Huang'],
    female: ['Mei', 'Lin', 'Hoa', 'Jing', 'Mai', 'Linh', 'Nok', 'Xiu'],
    male: ['Wei', 'Jun', 'Minh', 'Hao', 'Tuan', 'Somchai', 'Lei', 'Duc'],
  },
  western: {
    family: [
      'Smith',
      'Johnson',
      'Brown',
      'Müller',
      'Schmidt',
      'Dubois',
      'Martin',
      'de Vries',
      'Jansen',
      'Papadopoulos',
      'Wilson',
      'Bakker',
      'Lefèvre',
      'Wagner',
    ],
    female: ['Emma', 'Sarah', 'Laura', 'Julia', 'Claire', 'Anna', 'Eleni', 'Sophie'],
    male: ['James', 'Thomas', 'Lukas', 'Pierre', 'David', 'Daniel', 'Nikos', 'Jan'],
  },
} satisfies Record<string, Pool>;
type PoolName = keyof typeof POOLS;

/** Name pool and mother tongues (with weights) by nationality code; anything else falls back to a mixed pool. */
const BY_NATIONALITY: Record<string, [PoolName, [string, number][]]> = {};
const put = (pool: PoolName, languages: [string, number][], ...nationalities: string[]) => {
  for (const n of nationalities) BY_NATIONALITY[n] = [pool, languages];
};
put(
  'arabic',
  [
    ['ARA', 7],
    ['BER', 3],
  ],
  'MAR',
  'DZA',
);
put('arabic', [['ARA', 1]], 'TUN', 'EGY', 'PSE', 'LBN', 'JOR', 'YEM', 'LBY', 'SAU', 'SDN', 'KWT', 'ARE', 'OMN', 'QAT', 'BHR', 'MRT');
put(
  'arabic',
  [
    ['ARA', 8],
    ['KUR', 2],
  ],
  'SYR',
  'IRQ',
);
put(
  'persian',
  [
    ['DAR', 6],
    ['PUS', 4],
  ],
  'AFG',
);
put('persian', [['PER', 1]], 'IRN', 'TJK');
put(
  'turkish',
  [
    ['TUR', 8],
    ['KUR', 2],
  ],
  'TUR',
);
put('turkish', [['TUR', 1]], 'AZE', 'TKM');
put('eastern', [['RUM', 1]], 'ROU', 'MDA');
put(
  'eastern',
  [
    ['BUL', 7],
    ['TUR', 3],
  ],
  'BGR',
);
put('eastern', [['POL', 1]], 'POL');
put(
  'eastern',
  [
    ['UKR', 7],
    ['RUS', 3],
  ],
  'UKR',
);
put('eastern', [['RUS', 1]], 'RUS', 'BLR', 'KAZ', 'KGZ', 'SUN');
put('eastern', [['UZB', 1]], 'UZB');
put('eastern', [['HUN', 1]], 'HUN');
put('eastern', [['CZE', 1]], 'CZE', 'CSK');
put('eastern', [['SLO', 1]], 'SVK');
put('balkan', [['ALB', 1]], 'ALB', 'XKX');
put('balkan', [['SH', 1]], 'SRB', 'BIH', 'HRV', 'MNE', 'SCG', 'YUG', 'SRB_SEVIE');
put('balkan', [['MAC', 1]], 'MKD', 'MKD_PRE_2019');
put('balkan', [['GEO', 1]], 'GEO');
put('balkan', [['ARM', 1]], 'ARM');
put('horn', [['TIR', 1]], 'ERI');
put('horn', [['SOM', 1]], 'SOM', 'DJI');
put(
  'horn',
  [
    ['AMH', 6],
    ['ORM', 4],
  ],
  'ETH',
);
put('horn', [['ARA', 1]], 'SSD');
put(
  'southAsian',
  [
    ['HIN', 5],
    ['PAN', 3],
    ['TAM', 2],
  ],
  'IND',
);
put(
  'southAsian',
  [
    ['URD', 6],
    ['PAN', 4],
  ],
  'PAK',
);
put('southAsian', [['NEP', 1]], 'NPL');
put('southAsian', [['BEN', 1]], 'BGD');
put('southAsian', [['TAM', 1]], 'LKA');
put('latin', [['SPA', 1]], 'ESP', 'COL', 'MEX', 'PER', 'ECU', 'VEN', 'DOM', 'ARG', 'CHL', 'CUB', 'BOL', 'URY', 'PRY', 'GTM', 'HND', 'SLV', 'NIC', 'CRI', 'PAN');
put('latin', [['POR', 1]], 'PRT', 'BRA', 'CPV', 'AGO', 'MOZ', 'GNB', 'STP');
put('latin', [['ITA', 1]], 'ITA');
put(
  'latin',
  [
    ['TGL', 7],
    ['ENG', 3],
  ],
  'PHL',
);
put('african', [['ENG', 1]], 'GHA', 'NGA', 'GMB', 'SLE', 'LBR', 'KEN', 'UGA', 'ZAF', 'ZMB', 'ZWE', 'TZA');
put(
  'african',
  [
    ['FRA', 6],
    ['LIN', 4],
  ],
  'COD',
  'COG',
);
put(
  'african',
  [
    ['FRA', 7],
    ['SWA', 3],
  ],
  'BDI',
  'RWA',
);
put('african', [['FRA', 1]], 'CMR', 'CIV', 'TGO', 'BEN', 'BFA', 'MLI', 'NER', 'TCD', 'GAB', 'CAF', 'MDG', 'COM');
put(
  'african',
  [
    ['FRA', 5],
    ['FUL', 5],
  ],
  'GIN',
  'SEN',
);
put('eastAsian', [['CHI', 1]], 'CHN', 'TWN', 'HKG', 'MAC');
put('eastAsian', [['THA', 1]], 'THA');
put('eastAsian', [['VIE', 1]], 'VNM');
put('eastAsian', [['ENG', 1]], 'IDN', 'MYS', 'SGP', 'KOR', 'JPN', 'MMR', 'KHM', 'LAO', 'MNG');
put('western', [['ENG', 1]], 'USA', 'GBR', 'IRL', 'CAN', 'AUS', 'NZL');
put('western', [['FRA', 1]], 'FRA', 'LUX', 'MCO');
put(
  'western',
  [
    ['NLD', 6],
    ['FRA', 4],
  ],
  'BEL',
);
put('western', [['NLD', 1]], 'NLD', 'SUR');
put('western', [['GER', 1]], 'DEU', 'AUT', 'CHE', 'LIE');
put('western', [['GRE', 1]], 'GRC', 'CYP');

const MIXED: PoolName[] = ['arabic', 'persian', 'eastern', 'african', 'latin', 'horn'];

export interface Identity {
  familyName: string;
  givenNames: string;
  motherTongue: string;
}

export function identity(rng: Random, nationality: string, female: boolean): Identity {
  const entry = BY_NATIONALITY[nationality];
  const pool = POOLS[entry ? entry[0] : rng.pick(MIXED)];
  const given = female ? pool.female : pool.male;
  let givenNames = rng.pick(given);
  if (rng.chance(0.25)) {
    const second = rng.pick(given);
    if (second !== givenNames) givenNames += ` ${second}`;
  }
  let familyName = rng.pick(pool.family);
  if (rng.chance(0.04)) {
    const second = rng.pick(pool.family);
    if (second !== familyName) familyName += ` ${second}`;
  }
  let motherTongue = 'ENG';
  if (entry) {
    const total = entry[1].reduce((s, [, w]) => s + w, 0);
    let x = rng.next() * total;
    for (const [lang, w] of entry[1]) {
      if ((x -= w) < 0) {
        motherTongue = lang;
        break;
      }
    }
  } else {
    motherTongue = rng.pick(['ARA', 'FRA', 'ENG', 'RUS', 'SPA']);
  }
  return { familyName, givenNames, motherTongue };
}

/** Every language code the generator may write (checked against the code list at start). */
export const LANGUAGES_USED = [...new Set([...Object.values(BY_NATIONALITY).flatMap(([, l]) => l.map(([c]) => c)), 'ARA', 'FRA', 'ENG', 'RUS', 'SPA', 'NLD'])];

export const STREETS = [
  'Kerkstraat',
  'Stationsstraat',
  'Dorpsstraat',
  'Molenstraat',
  'Nieuwstraat',
  'Schoolstraat',
  'Kapelstraat',
  'Veldstraat',
  'Lindenlaan',
  'Beukenlaan',
  'Kasteelstraat',
  'Hoogstraat',
  'Langestraat',
  'Brugstraat',
  'Meersstraat',
  'Tuinstraat',
  'Pastoor Coplaan',
  'Koningin Astridlaan',
  'Sint-Jansstraat',
  'Leeuwerikstraat',
  'Zwaluwstraat',
  'Populierenlaan',
  'Vredestraat',
  'Wilgenstraat',
  'Sportstraat',
  'Ringlaan',
];

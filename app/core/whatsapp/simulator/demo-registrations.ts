import type { GroupInfo } from '../whatsapp-transport.js';
import { demoPerson } from './demo-world.js';

const firstNames = [
  'Aarav',
  'Diya',
  'Ishaan',
  'Ananya',
  'Kabir',
  'Meera',
  'Rohan',
  'Saanvi',
  'Vihaan',
  'Zara',
  'Arjun',
  'Priya',
  'Dev',
  'Nisha',
  'Kiran',
];
const lastNames = ['Sharma', 'Iyer', 'Khan', 'Patel', 'Reddy', 'Das', 'Menon', 'Gupta', 'Singh', 'Rao', 'Bose', 'Nair'];

/**
 * A registrations CSV for a demo group: four in five of its members with a known phone
 * (admins, the coordinator among them, left out) and five people who never joined, so an
 * import shows In Group, Missing and "In group, not registered" at once.
 */
export function demoRegistrationsCsv(group: GroupInfo, phoneOf: (member: GroupInfo['participants'][number]) => string | null): string {
  const members = group.participants
    .filter((member) => !member.isAdmin)
    .map(phoneOf)
    .filter((phone): phone is string => phone !== null);
  const registered = members.filter((_, index) => index % 5 !== 4);
  const outsiders = Array.from({ length: 5 }, (_, index) => demoPerson(900_000 + index).phone).filter((phone) => !members.includes(phone));
  const lines = [...registered, ...outsiders].map((phone, index) => {
    const name = `${firstNames[index % firstNames.length]} ${lastNames[Math.floor(index / firstNames.length) % lastNames.length]}`;
    return `${name},+${phone},${name.toLowerCase().replace(' ', '.')}@example.org`;
  });
  return ['Name,Phone,Email', ...lines].join('\r\n');
}

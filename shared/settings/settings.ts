import { isSupportedCountry } from 'libphonenumber-js/min';
import { z } from 'zod';

function isIanaTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const CountryCodeSchema = z
  .string()
  .transform((value) => value.trim().toUpperCase())
  .refine((value) => /^[A-Z]{2}$/.test(value) && isSupportedCountry(value), {
    message: 'Use a two-letter country code such as IN, UG or GB',
  });

export const TimeZoneSchema = z.string().refine(isIanaTimeZone, {
  message: 'Use a time zone name such as Asia/Kolkata or Africa/Kampala',
});

export const ThemeSchema = z.enum(['system', 'light', 'dark']);

export const SettingsSchema = z.object({
  organisationName: z.string().trim().min(1, 'The organisation needs a name').max(120),
  /** Country used to read phone numbers written without a country code. */
  defaultCountry: CountryCodeSchema,
  /** Time zone new workshops start in. */
  timeZone: TimeZoneSchema,
  theme: ThemeSchema,
  /** Desktop only: open the console in the tray when the user logs in. */
  startAtLogin: z.boolean(),
  /** A desktop notification when a customer writes to the shop (off until chosen). */
  notifyInboundMessages: z.boolean(),
  /** A desktop notification when a customer's payment for an order arrives (off until chosen). */
  notifyPaidOrders: z.boolean(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsPatchSchema = SettingsSchema.partial().strict();
export type SettingsPatch = z.input<typeof SettingsPatchSchema>;

export const defaultSettings: Settings = {
  organisationName: 'My organisation',
  defaultCountry: 'IN',
  timeZone: 'Asia/Kolkata',
  theme: 'system',
  startAtLogin: false,
  notifyInboundMessages: false,
  notifyPaidOrders: false,
};

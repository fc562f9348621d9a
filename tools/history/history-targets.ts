/** The report's figures for 2020-02-03 to 2020-05-31 that the default history reproduces. */
export const REPORT_TARGETS = {
  answered: 80_000,
  consultations: 34_432,
  completedByPhone: 23_556,
  /** "134,000 items handled through online and phone booking from February on; 45,268 online." */
  onlineBookings: 45_268,
  /**
   * The phone's part of the 134,000 (88,732) counts every item the hotlines handled:
   * consultations and items completed by phone (57,988) and bookings made on the phone,
   * by an agent or by keypad: 88,732 − 57,988 = 30,744.
   */
  phoneBookings: 134_000 - 45_268 - 34_432 - 23_556,
} as const;

export {
  createWorkCalendar,
  type WorkCalendar,
  type DayInfo,
  type HallDay,
  type OpenAt,
} from './calendar-service.js';
export { packageYears } from './holiday-package.js';
export { calendarCommands } from './calendar-commands.js';
export { statutoryHolidays } from './statutory-holidays.js';
export { readScheduleFile, type ScheduleFile } from './schedule-file.js';

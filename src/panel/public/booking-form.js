// @ts-check
/* global document, URLSearchParams -- browser code, served as is to the panel's pages */
import { api, ApiError, chineseError, el } from './panel-api.js';

/** @typedef {import('../panel-types.js').BookingView} BookingView */
/** @typedef {import('../panel-types.js').DeskServiceOption} DeskServiceOption */
/** @typedef {import('../panel-types.js').HoldView} HoldView */
/** @typedef {import('../panel-types.js').SlotView} SlotView */
/** @typedef {import('../panel-types.js').TrainingBooking} TrainingBooking */
/** @typedef {SlotView & { when: ReturnType<typeof local> }} ShownSlot */
/** @typedef {{ fields: Array<{ field: string, reason: string }>, message: string }} FieldProblems */

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const WEEKDAYS = '日一二三四五六';
/** How many days of free slots the calendar shows. */
const DAYS_SHOWN = 5;

/** "2026-12-02T08:30:00+08:00" -> { day: '12月2日 星期三', time: '08:30' } (the API's times are Beijing local). */
/** @param {string} iso */
function local(iso) {
  const [date, rest] = /** @type {[string, string]} */ (iso.split('T'));
  const [, month, day] = date.split('-').map(Number);
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return { date, day: `${month}月${day}日 星期${WEEKDAYS[weekday]}`, time: rest.slice(0, 5) };
}

/** @type {Record<BookingView['status'], string>} */
const STATUS = {
  confirmed: '已预约',
  checked_in: '已到场',
  cancelled: '已取消',
  no_show: '未到场',
};

/**
 * The booking form: pick a service, see the free slots of the next days (the phone share
 * included: the desk books on the phone channel), hold one while talking, read it back, confirm;
 * or find a booking by its code and cancel it or move it to the slot picked.
 */
/**
 * @param {HTMLFormElement} form
 * @param {{
 *   currentCall: () => string,
 *   onSaved: (callSid: string) => void,
 *   showErrors: (form: HTMLFormElement, error: FieldProblems) => void,
 *   clearErrors: (form: HTMLFormElement) => void,
 * }} hooks
 */
export function setupBookingForm(form, { currentCall, onSaved, showErrors, clearErrors }) {
  const calendar = byId('booking-calendar');
  const holdBox = byId('booking-hold');
  const readback = byId('booking-readback');
  const formError = /** @type {HTMLElement} */ (form.querySelector('.form-error'));
  /** @param {string} name */
  const field = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
  // The form's state: the service picked, the place held, the slot picked, the booking found.
  /** @type {DeskServiceOption | undefined} */
  let service;
  /** @type {HoldView | undefined} */
  let hold;
  /** @type {ShownSlot | undefined} */
  let picked;
  /** @type {BookingView | undefined} */
  let found;
  // The slots are shown, and a place held, only once a service is picked.
  const pickedService = () => /** @type {DeskServiceOption} */ (service);

  async function release() {
    if (hold) await api('DELETE', `/api/holds/${hold.id}`).catch(() => undefined);
    hold = undefined;
    holdBox.hidden = true;
  }

  async function showSlots() {
    calendar.replaceChildren(el('p', { class: 'muted' }, '正在读取可预约时段…'));
    try {
      /** @type {SlotView[]} */
      const slots = await api(
        'GET',
        `/api/slots?${new URLSearchParams({ hall: pickedService().hallId, service: pickedService().id })}`,
      );
      /** @type {Map<string, { label: string, slots: ShownSlot[] }>} */
      const days = new Map();
      for (const slot of slots) {
        const when = local(slot.startsAt);
        if (!days.has(when.date)) days.set(when.date, { label: when.day, slots: [] });
        /** @type {{ slots: ShownSlot[] }} */ (days.get(when.date)).slots.push({ ...slot, when });
      }
      const shown = [...days.values()]
        .filter((d) => d.slots.some((s) => s.available > 0))
        .slice(0, DAYS_SHOWN);
      if (!shown.length) {
        calendar.replaceChildren(el('p', { class: 'muted' }, '近期没有可预约的时段'));
        return;
      }
      calendar.replaceChildren(
        ...shown.map((day) =>
          el(
            'div',
            { class: 'calendar-day' },
            el('h4', {}, day.label),
            ...day.slots.map((slot) => {
              const button = /** @type {HTMLButtonElement} */ (
                el(
                  'button',
                  { type: 'button', class: 'slot', 'data-slot': String(slot.id) },
                  `${slot.when.time} 余${slot.available}`,
                )
              );
              button.disabled = slot.available <= 0;
              button.addEventListener('click', () => void pick(slot, day.label, button));
              return button;
            }),
          ),
        ),
      );
    } catch (error) {
      calendar.replaceChildren(
        el('p', { class: 'error' }, chineseError(error, '无法读取可预约时段')),
      );
    }
  }

  /** @param {ShownSlot} slot @param {string} dayLabel @param {HTMLButtonElement} button */
  async function pick(slot, dayLabel, button) {
    formError.textContent = '';
    for (const other of calendar.querySelectorAll('.slot.picked')) other.classList.remove('picked');
    button.classList.add('picked');
    picked = slot;
    if (found) return;
    await release();
    try {
      /** @type {HoldView} */
      const held = await api('POST', '/api/holds', { slotId: slot.id });
      hold = held;
      holdBox.hidden = false;
      readback.textContent = `请向来电人复述：${pickedService().name}，${pickedService().hall}，${dayLabel} ${slot.when.time}–${local(slot.endsAt).time}。已为您保留至 ${local(held.expiresAt).time}。`;
    } catch (error) {
      formError.textContent = chineseError(error, '保留时段失败');
      void showSlots();
    }
  }

  form.addEventListener('service-picked', (event) => {
    service = /** @type {CustomEvent<DeskServiceOption>} */ (event).detail;
    picked = undefined;
    void release().then(showSlots);
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const callSid = currentCall();
    /** @type {FieldProblems['fields']} */
    const problems = [];
    if (!service) problems.push({ field: 'serviceId', reason: 'pick_from_list' });
    else if (!hold) {
      formError.textContent = '请先在日历中选择一个时段';
      return;
    }
    for (const name of ['name', 'phone', 'idNumber'])
      if (service && !field(name).value.trim()) problems.push({ field: name, reason: 'Required' });
    if (problems.length) {
      showErrors(form, { fields: problems, message: '' });
      return;
    }
    // With a service and no problems, a place is held (checked above).
    const held = /** @type {HoldView} */ (hold);
    const person = {
      holdId: held.id,
      name: field('name').value.trim(),
      phone: field('phone').value.trim(),
      idNumber: field('idNumber').value.trim(),
    };
    try {
      if (callSid && document.body.dataset.trainingCall === callSid) {
        // A training call's caller is simulated: nothing is booked and the held place goes back.
        /** @type {TrainingBooking} */
        const practised = await api('POST', '/api/agent/training-booking', person);
        await saved(
          callSid,
          { bookingId: 'practice', serviceId: pickedService().id },
          `练习预约完成（培训来电，未真正预约${practised.released ? '，号源已释放' : ''}），通话结果已保存`,
        );
        return;
      }
      /** @type {BookingView} */
      const booking = await api('POST', '/api/bookings', person, {
        'idempotency-key': `desk-${held.id}`,
      });
      await saved(
        callSid,
        { bookingId: booking.id, bookingCode: booking.code, serviceId: pickedService().id },
        `预约成功，预约码 ${booking.code}，通话结果已保存`,
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) showErrors(form, error);
      else formError.textContent = chineseError(error, '预约失败');
    }
  });

  /**
   * After a booking (or a training call's practice one): the hold is spent, the call's outcome is
   * saved and the form is cleared.
   * @param {string} callSid @param {Record<string, string>} outcome @param {string} message
   */
  async function saved(callSid, outcome, message) {
    hold = undefined;
    if (callSid)
      await api('POST', `/api/calls/${encodeURIComponent(callSid)}/outcomes/booking`, outcome);
    form.reset();
    holdBox.hidden = true;
    calendar.replaceChildren();
    service = undefined;
    byId('outcome-saved').textContent = message;
    if (callSid) onSaved(callSid);
  }

  const findError = byId('find-error');
  // Cancel and reschedule are shown only with a booking found.
  const foundBooking = () => /** @type {BookingView} */ (found);
  byId('find-booking').addEventListener('click', async () => {
    findError.textContent = '';
    const code = /** @type {HTMLInputElement} */ (byId('find-code')).value.trim();
    if (!/^\d{8}$/.test(code)) {
      findError.textContent = '预约码为8位数字';
      return;
    }
    try {
      found = /** @type {BookingView} */ (await api('GET', `/api/bookings/${code}`));
      await release();
      const when = local(found.slot.startsAt);
      byId('found-text').textContent =
        `${found.code}：${found.slot.serviceName}，${found.slot.hallName}，${when.day} ${when.time}，${STATUS[found.status] ?? ''}`;
      byId('found-booking').hidden = false;
    } catch (error) {
      findError.textContent = chineseError(error, '查找失败');
    }
  });
  byId('cancel-booking').addEventListener('click', async () => {
    try {
      found = /** @type {BookingView} */ (
        await api('POST', `/api/bookings/${foundBooking().code}/cancel`)
      );
      byId('found-text').textContent = `${found.code}：已取消`;
    } catch (error) {
      findError.textContent = chineseError(error, '取消失败');
    }
  });
  byId('reschedule-booking').addEventListener('click', async () => {
    if (!picked) {
      findError.textContent = '请先搜索事项并在日历中选择新的时段';
      return;
    }
    try {
      found = /** @type {BookingView} */ (
        await api('POST', `/api/bookings/${foundBooking().code}/reschedule`, { slotId: picked.id })
      );
      const when = local(found.slot.startsAt);
      byId('found-text').textContent = `${found.code}：已改约到 ${when.day} ${when.time}`;
    } catch (error) {
      findError.textContent = chineseError(error, '改约失败');
    }
  });
}

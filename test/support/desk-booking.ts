import type { Locator, Page } from 'playwright-core';
import { idCheckCharacter } from '../../src/booking/index.js';

/**
 * Fills the desk's 预约 tab as an agent on a call does: finds 一窗通办综合受理 by its pinyin
 * initials, holds the first free slot, waits for the read-back and types the caller's name,
 * mobile and ID number (`first17`: its first 17 digits; the check character is computed).
 * Returns the form, ready for 确认预约.
 */
export async function fillDeskBooking(
  desk: Page,
  mobile: string,
  first17: string,
): Promise<Locator> {
  const form = desk.locator('form[data-kind="booking"]');
  // Pinyin initials find a service too: 一窗通办 is yctb.
  await form.getByLabel('预约的事项（输入名称搜索）').fill('yctb');
  await form.locator('ul.suggestions button', { hasText: '一窗通办综合受理' }).click();
  const slot = form.locator('button.slot:not([disabled])').first();
  await slot.waitFor();
  await slot.click();
  await desk
    .locator('#booking-readback', { hasText: '请向来电人复述：一窗通办综合受理' })
    .waitFor();
  await form.getByLabel('预约人姓名').fill('张三');
  await form.getByLabel('手机号码').fill(mobile);
  await form.getByLabel('身份证号码').fill(`${first17}${idCheckCharacter(first17)}`);
  return form;
}

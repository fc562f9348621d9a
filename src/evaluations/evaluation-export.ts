import ExcelJS from 'exceljs';
import type { EvaluationFigures, EvaluationReport } from './evaluation-stats.js';

/** The sheet's name in the period's XLSX. */
export const EVALUATION_SHEET = '好差评';

const percent = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 10);
/** Text a spreadsheet would run as a formula (=, +, -, @ first) is kept as text. */
const safe = (text: string) => (/^[=+\-@]/.test(text) ? `'${text}` : text);

/** The columns of the 好差评 sheet and CSV after 类别 and 名称, with how each reads a group's figures. */
export const EVALUATION_COLUMNS: ReadonlyArray<{
  header: string;
  value: (f: EvaluationFigures) => number | null;
}> = [
  { header: '应评价数', value: (f) => f.offered },
  { header: '评价数', value: (f) => f.evaluated },
  { header: '非常满意', value: (f) => f.verySatisfied },
  { header: '满意', value: (f) => f.satisfied },
  { header: '基本满意', value: (f) => f.basicallySatisfied },
  { header: '不满意', value: (f) => f.dissatisfied },
  { header: '非常不满意', value: (f) => f.veryDissatisfied },
  { header: '未评价', value: (f) => f.notEvaluated },
  { header: '差评数', value: (f) => f.poor },
  { header: '已回访', value: (f) => f.revisited },
  { header: '已整改', value: (f) => f.rectified },
  { header: '按时整改', value: (f) => f.rectifiedInTime },
  { header: '评价率(%)', value: (f) => percent(f.evaluationRate) },
  { header: '满意率(%)', value: (f) => percent(f.satisfactionRate) },
  { header: '回访率(%)', value: (f) => percent(f.revisitRate) },
  { header: '整改率(%)', value: (f) => percent(f.rectificationRate) },
  { header: '按时整改率(%)', value: (f) => percent(f.onTimeRectificationRate) },
];

/** Each figure's definition, as the 说明 sheet and docs/statistics.md give it. */
export const EVALUATION_DEFINITIONS: ReadonlyArray<[string, string]> = [
  [
    '好差评·应评价数',
    '坐席挂断后向来电人播放了评价菜单的通话数（已开启评价的热线；来电人先挂断的也计入）',
  ],
  [
    '好差评·评价数',
    '来电人按1至5键评价的通话数：1非常满意、2满意、3基本满意、4不满意、5非常不满意',
  ],
  ['好差评·未评价', '应评价数 − 评价数：不按键、按错两次或挂断，均不计为满意'],
  ['好差评·评价率', '评价数 ÷ 应评价数'],
  ['好差评·满意率', '（非常满意 + 满意 + 基本满意）÷ 评价数'],
  [
    '好差评·差评数',
    '不满意 + 非常不满意；每件差评生成回访工单，办结期限为生成之日后第 N 个工作日（EVALUATION_FOLLOW_UP_DAYS，默认15）',
  ],
  ['好差评·回访率', '已发起回访电话的差评数 ÷ 差评数'],
  ['好差评·整改率', '已办结（登记核实结果、整改情况和答复）的差评数 ÷ 差评数'],
  ['好差评·按时整改率', '在办结期限当日结束前办结的差评数 ÷ 差评数'],
  [
    '好差评·分组',
    '按热线、部门（来电排队的部门）、坐席和事项（通话结果登记的事项）统计；统计期间按评价菜单播放的时间（北京时间）',
  ],
];

type Line = [string, string, ...Array<number | null>];

/** The rows of the sheet: 合计, then each hotline, department, agent and service. */
export function evaluationRows(report: EvaluationReport): Line[] {
  const line = (kind: string, name: string, f: EvaluationFigures): Line => [
    kind,
    safe(name),
    ...EVALUATION_COLUMNS.map((c) => c.value(f)),
  ];
  return [
    line('合计', '全部热线', report.total),
    ...report.byHotline.map((r) => line('热线', r.name, r)),
    ...report.byDepartment.map((r) => line('部门', `${r.hallName} ${r.departmentName}`.trim(), r)),
    ...report.byAgent.map((r) =>
      line(
        '坐席',
        r.username && r.username !== r.agent ? `${r.agent}（${r.username}）` : r.agent,
        r,
      ),
    ),
    ...report.byService.map((r) => line('事项', r.name, r)),
  ];
}

/** The period's XLSX with the 好差评 sheet added and its definitions at the end of 说明. */
export async function withEvaluationSheet(xlsx: Buffer, report: EvaluationReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
  const sheet = workbook.addWorksheet(EVALUATION_SHEET, {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = [
    { header: '类别', width: 8 },
    { header: '名称', width: 36 },
    ...EVALUATION_COLUMNS.map((c) => ({
      header: c.header,
      width: Math.max(10, c.header.length * 2 + 2),
    })),
  ];
  for (const row of evaluationRows(report)) sheet.addRow(row);
  sheet.getRow(1).font = { bold: true };
  workbook
    .getWorksheet('说明')
    ?.addRows(EVALUATION_DEFINITIONS.map(([name, text]) => [name, text]));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

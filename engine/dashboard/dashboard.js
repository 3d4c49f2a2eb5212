// The authorities' dashboard: every panel is drawn from civicflow's query API
// (/query/v1/, JSON) with ECharts. Chinese by default, English on request; every
// visible word comes from MESSAGES. An API or network error is shown in the
// panel that asked, never swallowed.
//
// For tests: each chart's container has data-chart="<id>" and data-query (the
// JSON list of API URLs it was drawn from); the offline table has
// data-table="offline" and data-query; window.dashboardReady becomes true after
// the first complete load and window.dashboardLoads counts completed loads.
'use strict';

(function () {
  const MESSAGES = {
    zh: {
      'page.title': 'civicflow 公共设施监管看板',
      'control.from': '开始日期',
      'control.to': '结束日期',
      'control.allDates': '全部日期',
      'control.autoRefresh': '每 30 秒刷新',
      'control.refresh': '立即刷新',
      'control.lastUpdated': '最后更新：',
      'control.flowScope': '范围',
      'control.energyKind': '能源类型',
      'control.ticketsBy': '统计方式',
      'language.switch': 'English',
      'scope.all': '全部场所',
      'scope.site': '场所',
      'scope.district': '行政区',
      'title.flowHour': '每小时客流',
      'title.flowDistrict': '各行政区客流',
      'title.energyVenue': '场馆能耗前 {n} 名',
      'title.energyDistrict': '各行政区能耗（按类型堆叠）',
      'title.parkingLots': '停车场对账准确率最低的 {n} 个',
      'title.parkingDay': '停车对账每日趋势',
      'title.tickets': '票务销售与检票',
      'title.ingest': '接入异常最多的 {n} 项（平台/接口/代码）',
      'title.offline': '离线停车场与设备',
      'axis.hour': '小时',
      'axis.date': '日期',
      'axis.district': '行政区',
      'axis.venue': '场馆',
      'axis.lot': '停车场',
      'axis.entries': '人次',
      'axis.consumption': '用量',
      'axis.accuracy': '准确率',
      'axis.count': '数量',
      'axis.tickets': '张数',
      'axis.revenue': '金额（元）',
      'axis.requests': '请求数',
      'axis.session': '场次',
      'axis.reason': '平台/接口/代码',
      'series.entries': '客流人次',
      'series.accuracy': '准确率',
      'series.missingEnter': '缺失入场记录',
      'series.missingExit': '缺失出场记录',
      'series.meanAbsDeviation': '平均绝对偏差',
      'series.sold': '售出',
      'series.checkedIn': '检票入场',
      'series.revenue': '销售额（元）',
      'kind.electricity': '电',
      'kind.water': '水',
      'kind.gas': '燃气',
      'outcome.rejected': '拒收',
      'outcome.duplicate': '重复',
      'outcome.error': '系统错误',
      'by.session': '按场次',
      'by.hour': '按小时',
      'column.platform': '平台',
      'column.site': '场所编号',
      'column.device': '设备编号',
      'column.since': '离线时间',
      'district.unknown': '未知',
      'data.none': '暂无数据',
      'error.network': '无法连接查询接口',
      'error.notJson': '查询接口的回复不是 JSON',
      'error.api': '查询失败',
    },
    en: {
      'page.title': 'civicflow public facilities dashboard',
      'control.from': 'From',
      'control.to': 'To',
      'control.allDates': 'All dates',
      'control.autoRefresh': 'Refresh every 30 s',
      'control.refresh': 'Refresh now',
      'control.lastUpdated': 'Last updated:',
      'control.flowScope': 'Scope',
      'control.energyKind': 'Energy kind',
      'control.ticketsBy': 'Per',
      'language.switch': '中文',
      'scope.all': 'All sites',
      'scope.site': 'Site',
      'scope.district': 'District',
      'title.flowHour': 'Passenger flow per hour',
      'title.flowDistrict': 'Passenger flow by district',
      'title.energyVenue': 'Top {n} venues by energy use',
      'title.energyDistrict': 'Energy use by district (stacked by kind)',
      'title.parkingLots': '{n} parking lots with the worst reconciliation accuracy',
      'title.parkingDay': 'Parking reconciliation per day',
      'title.tickets': 'Ticket sales and attendance',
      'title.ingest': 'Top {n} ingest problems (platform/interface/code)',
      'title.offline': 'Offline parking lots and devices',
      'axis.hour': 'Hour',
      'axis.date': 'Date',
      'axis.district': 'District',
      'axis.venue': 'Venue',
      'axis.lot': 'Lot',
      'axis.entries': 'Entries',
      'axis.consumption': 'Consumption',
      'axis.accuracy': 'Accuracy',
      'axis.count': 'Count',
      'axis.tickets': 'Tickets',
      'axis.revenue': 'Revenue (yuan)',
      'axis.requests': 'Requests',
      'axis.session': 'Session',
      'axis.reason': 'Platform/interface/code',
      'series.entries': 'Entries',
      'series.accuracy': 'Accuracy',
      'series.missingEnter': 'Missing entries',
      'series.missingExit': 'Missing exits',
      'series.meanAbsDeviation': 'Mean abs. deviation',
      'series.sold': 'Sold',
      'series.checkedIn': 'Checked in',
      'series.revenue': 'Revenue (yuan)',
      'kind.electricity': 'Electricity',
      'kind.water': 'Water',
      'kind.gas': 'Gas',
      'outcome.rejected': 'Rejected',
      'outcome.duplicate': 'Duplicate',
      'outcome.error': 'Server error',
      'by.session': 'Session',
      'by.hour': 'Hour',
      'column.platform': 'Platform',
      'column.site': 'Site',
      'column.device': 'Device',
      'column.since': 'Offline since',
      'district.unknown': 'Unknown',
      'data.none': 'No data',
      'error.network': 'Cannot reach the query API',
      'error.notJson': 'The query API did not answer JSON',
      'error.api': 'Query failed',
    },
  };
  const LANGUAGE_KEY = 'civicflow.dashboard.language';
  const REFRESH_MS = 30000;
  const TOP_VENUES = 10;
  const WORST_LOTS = 15;
  const TOP_REASONS = 15;
  const KINDS = ['electricity', 'water', 'gas'];
  const PROBLEM_OUTCOMES = ['rejected', 'error', 'duplicate'];
  // Ingest is the five platforms' uploads; the `ingest` rows also hold paths nobody answers (platform none).
  const PLATFORMS = ['fitness', 'parking', 'community', 'ticketing', 'orienteering'];

  let language = localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh';

  function t(key, values) {
    let text = MESSAGES[language][key] ?? key;
    for (const [name, value] of Object.entries(values || {})) text = text.replace(`{${name}}`, value);
    return text;
  }

  // ---- the query API ----

  function queryUrl(endpoint, params) {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(name, value);
    const text = query.toString();
    return `/query/v1/${endpoint}${text ? '?' + text : ''}`;
  }

  // The reply's rows, or an Error saying what the API (or the network) said.
  async function fetchRows(url) {
    let response;
    try {
      response = await fetch(url, { cache: 'no-store' });
    } catch (e) {
      throw new Error(`${t('error.network')} (${url}): ${e.message}`);
    }
    let body;
    try {
      body = await response.json();
    } catch (e) {
      throw new Error(`${t('error.notJson')} (${url}, HTTP ${response.status})`);
    }
    if (!response.ok || !body.ok) {
      const error = body.error || {};
      const parameter = error.parameter ? ` [${error.parameter}]` : '';
      throw new Error(`${t('error.api')} (${url}, HTTP ${response.status})${parameter}: ${error.message || ''}`);
    }
    return body.data;
  }

  function dateRange() {
    return { from: document.getElementById('from').value, to: document.getElementById('to').value };
  }

  // The flow scope select's value: "" (all), "site:<platform>/<site_id>" or "district:<code>".
  function flowScopeParams() {
    const value = document.getElementById('flow-scope').value;
    if (value.startsWith('site:')) {
      const [platform, ...site] = value.slice(5).split('/');
      return { platform, site: site.join('/') };
    }
    if (value.startsWith('district:')) return { district: value.slice(9) };
    return {};
  }

  // ---- chart options (one function per panel, from the rows of its queries) ----

  function categoryAxis(nameKey, data, extra) {
    return Object.assign({ type: 'category', name: t(nameKey), data, axisLabel: { hideOverlap: true } }, extra);
  }
  function valueAxis(nameKey, extra) {
    return Object.assign({ type: 'value', name: t(nameKey) }, extra);
  }
  const chartTitle = (text) => ({ text, left: 'center', textStyle: { fontSize: 15 } });
  // Lot codes are 32 hex digits: cut, the tooltip has them whole.
  const longLabel = { width: 170, overflow: 'truncate' };
  const percentAxisLabel = { formatter: (value) => `${Math.round(value * 100)}%` };
  const districtLabel = (code) => code || t('district.unknown');

  const PANELS = [
    {
      chart: 'flow-hour',
      queries: () => [queryUrl('flow', Object.assign({ by: 'hour' }, flowScopeParams(), dateRange()))],
      option: ([rows]) => ({
        title: chartTitle(t('title.flowHour')),
        tooltip: { trigger: 'axis' },
        dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 4 }],
        grid: { bottom: 70 },
        xAxis: categoryAxis('axis.hour', rows.map((r) => r.hour)),
        yAxis: valueAxis('axis.entries'),
        series: [{ name: t('series.entries'), type: 'line', showSymbol: false, areaStyle: { opacity: 0.15 },
                   data: rows.map((r) => r.entries) }],
      }),
    },
    {
      chart: 'flow-district',
      queries: () => [queryUrl('flow', Object.assign({ by: 'district' }, dateRange()))],
      option: ([rows]) => ({
        title: chartTitle(t('title.flowDistrict')),
        tooltip: { trigger: 'axis' },
        xAxis: categoryAxis('axis.district', rows.map((r) => districtLabel(r.district)), { axisLabel: { rotate: 30 } }),
        yAxis: valueAxis('axis.entries'),
        series: [{ name: t('series.entries'), type: 'bar', data: rows.map((r) => r.entries) }],
      }),
    },
    {
      chart: 'energy-venue',
      queries: () => [queryUrl('energy', Object.assign({ by: 'venue', kind: document.getElementById('energy-kind').value },
                                                       dateRange()))],
      option: ([rows]) => {
        const top = rows.slice(0, TOP_VENUES);
        const kind = document.getElementById('energy-kind').value;
        return {
          title: chartTitle(t('title.energyVenue', { n: TOP_VENUES })),
          tooltip: { trigger: 'axis' },
          xAxis: valueAxis('axis.consumption'),
          yAxis: categoryAxis('axis.venue', top.map((r) => r.venue_id), { inverse: true, nameLocation: 'start', axisLabel: longLabel }),
          series: [{ name: t(`kind.${kind}`), type: 'bar', data: top.map((r) => r.consumption) }],
        };
      },
    },
    {
      chart: 'energy-district',
      queries: () => [queryUrl('energy', Object.assign({ by: 'district' }, dateRange()))],
      option: ([rows]) => {
        const districts = [...new Set(rows.map((r) => r.district_id))].sort();
        const kinds = KINDS.filter((kind) => rows.some((r) => r.kind === kind));
        const sum = (district, kind) => rows.filter((r) => r.district_id === district && r.kind === kind)
                                            .reduce((total, r) => total + r.consumption, 0);
        return {
          title: chartTitle(t('title.energyDistrict')),
          tooltip: { trigger: 'axis' },
          legend: { top: 30 },
          grid: { top: 80 },
          xAxis: categoryAxis('axis.district', districts.map(districtLabel), { axisLabel: { rotate: 30 } }),
          yAxis: valueAxis('axis.consumption'),
          series: kinds.map((kind) => ({ name: t(`kind.${kind}`), type: 'bar', stack: 'kind',
                                         data: districts.map((district) => sum(district, kind)) })),
        };
      },
    },
    {
      chart: 'parking-lots',
      queries: () => [queryUrl('parking', Object.assign({ by: 'lot' }, dateRange()))],
      option: ([rows]) => {
        const worst = rows.filter((r) => r.accuracy !== null).slice(0, WORST_LOTS);
        return {
          title: chartTitle(t('title.parkingLots', { n: WORST_LOTS })),
          tooltip: { trigger: 'axis' },
          legend: { top: 30 },
          grid: { top: 100 },
          xAxis: [valueAxis('axis.accuracy', { max: 1, min: (extent) => Math.max(0, Math.floor(extent.min * 10) / 10),
                                                   axisLabel: percentAxisLabel }), valueAxis('axis.count')],
          yAxis: categoryAxis('axis.lot', worst.map((r) => r.park_code), { inverse: true, nameLocation: 'start', axisLabel: longLabel }),
          series: [
            { name: t('series.accuracy'), type: 'bar', xAxisIndex: 0, data: worst.map((r) => r.accuracy) },
            { name: t('series.missingEnter'), type: 'scatter', xAxisIndex: 1, data: worst.map((r) => r.missing_enter) },
            { name: t('series.missingExit'), type: 'scatter', xAxisIndex: 1, data: worst.map((r) => r.missing_exit) },
            { name: t('series.meanAbsDeviation'), type: 'scatter', xAxisIndex: 1, symbol: 'diamond',
              data: worst.map((r) => r.mean_abs_deviation) },
          ],
        };
      },
    },
    {
      chart: 'parking-day',
      queries: () => [queryUrl('parking', Object.assign({ by: 'day' }, dateRange()))],
      option: ([rows]) => ({
        title: chartTitle(t('title.parkingDay')),
        tooltip: { trigger: 'axis' },
        legend: { top: 30 },
        grid: { top: 80 },
        xAxis: categoryAxis('axis.date', rows.map((r) => r.date)),
        yAxis: [valueAxis('axis.accuracy', { axisLabel: percentAxisLabel }), valueAxis('axis.count')],
        series: [
          { name: t('series.accuracy'), type: 'line', yAxisIndex: 0, data: rows.map((r) => r.accuracy) },
          { name: t('series.missingEnter'), type: 'bar', yAxisIndex: 1, data: rows.map((r) => r.missing_enter) },
          { name: t('series.missingExit'), type: 'bar', yAxisIndex: 1, data: rows.map((r) => r.missing_exit) },
        ],
      }),
    },
    {
      chart: 'tickets',
      queries: () => [queryUrl('tickets', Object.assign({ by: document.getElementById('tickets-by').value }, dateRange()))],
      option: ([rows]) => {
        const bySession = document.getElementById('tickets-by').value === 'session';
        return {
          title: chartTitle(t('title.tickets')),
          tooltip: { trigger: 'axis' },
          legend: { top: 30 },
          grid: { top: 80 },
          dataZoom: bySession ? [] : [{ type: 'inside' }],
          xAxis: categoryAxis(bySession ? 'axis.session' : 'axis.hour',
                              rows.map((r) => (bySession ? r.session_code : r.hour))),
          yAxis: [valueAxis('axis.tickets'), valueAxis('axis.revenue')],
          series: [
            { name: t('series.sold'), type: 'bar', yAxisIndex: 0, data: rows.map((r) => r.sold) },
            { name: t('series.checkedIn'), type: 'bar', yAxisIndex: 0, data: rows.map((r) => r.checked_in) },
            { name: t('series.revenue'), type: 'line', yAxisIndex: 1, data: rows.map((r) => r.revenue_fen / 100) },
          ],
        };
      },
    },
    {
      chart: 'ingest',
      queries: () => [queryUrl('ingest', {})],
      option: ([rows]) => {
        const problems = rows.filter((r) => PLATFORMS.includes(r.platform) && r.outcome !== 'ok');
        const reasonOf = (r) => `${r.platform}/${r.interface}/${r.code}`;
        const totals = new Map();
        for (const r of problems) totals.set(reasonOf(r), (totals.get(reasonOf(r)) || 0) + r.requests);
        const reasons = [...totals.keys()]
          .sort((a, b) => totals.get(b) - totals.get(a) || (a < b ? -1 : 1))
          .slice(0, TOP_REASONS);
        const outcomes = PROBLEM_OUTCOMES.filter((outcome) => problems.some((r) => r.outcome === outcome));
        const sum = (reason, outcome) => problems.filter((r) => reasonOf(r) === reason && r.outcome === outcome)
                                                 .reduce((total, r) => total + r.requests, 0);
        return {
          title: chartTitle(t('title.ingest', { n: TOP_REASONS })),
          tooltip: { trigger: 'axis' },
          legend: { top: 30 },
          grid: { top: 80 },
          xAxis: valueAxis('axis.requests'),
          yAxis: categoryAxis('axis.reason', reasons, { inverse: true, nameLocation: 'start', axisLabel: longLabel }),
          series: outcomes.map((outcome) => ({ name: t(`outcome.${outcome}`), type: 'bar', stack: 'outcome',
                                               data: reasons.map((reason) => sum(reason, outcome)) })),
        };
      },
    },
  ];

  // ---- drawing ----

  const charts = new Map();  // chart id -> ECharts instance
  const lastRows = new Map();  // chart id -> rows of its last successful load, to redraw on a language switch
  let offlineRows = null;
  let generation = 0;  // a load older than the latest one drops its results

  function errorBox(element) {
    return element.closest('.panel').querySelector('.panel-error');
  }
  function showError(element, error) {
    const box = errorBox(element);
    box.textContent = error ? error.message : '';
    box.hidden = !error;
  }

  function draw(panel) {
    const rows = lastRows.get(panel.chart);
    if (!rows) return;
    const option = panel.option(rows);
    option.grid = Object.assign({ left: 50, right: 60, bottom: 40 }, option.grid);
    const empty = option.series.every((series) => series.data.length === 0);
    option.graphic = empty ? [{ type: 'text', left: 'center', top: 'middle', style: { text: t('data.none'), fontSize: 16 } }] : [];
    charts.get(panel.chart).setOption(option, { notMerge: true });
  }

  async function loadPanel(panel, load) {
    const element = document.querySelector(`[data-chart="${panel.chart}"]`);
    const urls = panel.queries();
    element.dataset.query = JSON.stringify(urls);
    try {
      const rows = await Promise.all(urls.map(fetchRows));
      if (load !== generation) return;
      lastRows.set(panel.chart, rows);
      showError(element, null);
      draw(panel);
    } catch (error) {
      if (load !== generation) return;
      lastRows.delete(panel.chart);
      charts.get(panel.chart).clear();
      showError(element, error);
    }
  }

  function drawOffline() {
    const body = document.querySelector('[data-table="offline"] tbody');
    body.replaceChildren();
    if (!offlineRows) return;
    if (offlineRows.length === 0) {
      const cell = body.insertRow().insertCell();
      cell.colSpan = 4;
      cell.className = 'empty';
      cell.textContent = t('data.none');
      return;
    }
    for (const row of offlineRows) {
      const line = body.insertRow();
      for (const value of [row.platform, row.site_id, row.device_id, row.since]) line.insertCell().textContent = value;
    }
  }

  async function loadOffline(load) {
    const table = document.querySelector('[data-table="offline"]');
    const url = queryUrl('offline', {});
    table.dataset.query = JSON.stringify([url]);
    try {
      const rows = await fetchRows(url);
      if (load !== generation) return;
      offlineRows = rows;
      showError(table, null);
    } catch (error) {
      if (load !== generation) return;
      offlineRows = null;
      showError(table, error);
    }
    drawOffline();
  }

  // The flow scope select: every site and district that has flow in the range.
  async function loadFlowScopes(load) {
    const select = document.getElementById('flow-scope');
    const chart = document.querySelector('[data-chart="flow-hour"]');
    try {
      const [sites, districts] = await Promise.all([
        fetchRows(queryUrl('flow', Object.assign({ by: 'site' }, dateRange()))),
        fetchRows(queryUrl('flow', Object.assign({ by: 'district' }, dateRange()))),
      ]);
      if (load !== generation) return;
      const chosen = select.value;
      const options = [new Option(t('scope.all'), '')];
      for (const d of districts.filter((d) => d.district))
        options.push(new Option(`${t('scope.district')} ${d.district}`, `district:${d.district}`));
      for (const s of sites) options.push(new Option(`${t('scope.site')} ${s.platform}/${s.site_id}`, `site:${s.platform}/${s.site_id}`));
      select.replaceChildren(...options);
      select.value = options.some((o) => o.value === chosen) ? chosen : '';
    } catch (error) {
      if (load === generation) showError(chart, error);
    }
  }

  async function loadAll() {
    const load = ++generation;
    // The flow-per-hour panel follows the scope, which a new date range may reset: scopes first.
    const flowHour = PANELS.filter((panel) => panel.chart === 'flow-hour');
    const others = PANELS.filter((panel) => panel.chart !== 'flow-hour');
    await Promise.all([
      loadFlowScopes(load).then(() => Promise.all(flowHour.map((panel) => loadPanel(panel, load)))),
      loadOffline(load),
      ...others.map((panel) => loadPanel(panel, load)),
    ]);
    if (load !== generation) return;
    document.getElementById('last-updated').textContent = new Date().toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB');
    window.dashboardLoads = (window.dashboardLoads || 0) + 1;
    window.dashboardReady = true;
  }

  function applyLanguage() {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
    document.title = t('page.title');
    for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
    document.getElementById('language').textContent = t('language.switch');
    const scopeAll = document.querySelector('#flow-scope option[value=""]');
    if (scopeAll) scopeAll.textContent = t('scope.all');
    for (const option of document.querySelectorAll('#flow-scope option[value^="site:"]'))
      option.textContent = `${t('scope.site')} ${option.value.slice(5)}`;
    for (const option of document.querySelectorAll('#flow-scope option[value^="district:"]'))
      option.textContent = `${t('scope.district')} ${option.value.slice(9)}`;
    for (const panel of PANELS) draw(panel);
    drawOffline();
  }

  // ---- controls ----

  let refreshTimer = null;
  function scheduleRefresh() {
    clearInterval(refreshTimer);
    refreshTimer = document.getElementById('auto-refresh').checked ? setInterval(loadAll, REFRESH_MS) : null;
  }

  function start() {
    for (const element of document.querySelectorAll('[data-chart]'))
      charts.set(element.dataset.chart, echarts.init(element));
    window.addEventListener('resize', () => charts.forEach((chart) => chart.resize()));

    document.getElementById('language').addEventListener('click', () => {
      language = language === 'zh' ? 'en' : 'zh';
      localStorage.setItem(LANGUAGE_KEY, language);
      applyLanguage();
    });
    for (const id of ['from', 'to']) document.getElementById(id).addEventListener('change', loadAll);
    document.getElementById('all-dates').addEventListener('click', () => {
      document.getElementById('from').value = '';
      document.getElementById('to').value = '';
      loadAll();
    });
    document.getElementById('refresh').addEventListener('click', loadAll);
    document.getElementById('auto-refresh').addEventListener('change', scheduleRefresh);
    const redraw = (chart) => () => loadPanel(PANELS.find((panel) => panel.chart === chart), generation);
    document.getElementById('flow-scope').addEventListener('change', redraw('flow-hour'));
    document.getElementById('energy-kind').addEventListener('change', redraw('energy-venue'));
    document.getElementById('tickets-by').addEventListener('change', redraw('tickets'));

    applyLanguage();
    scheduleRefresh();
    loadAll();
  }

  start();
})();

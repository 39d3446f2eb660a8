/**
 * The load generator of `npm run bench -- workbench`, run as its own process (forked by
 * bench/workbench.ts) so that the workbench's latency is measured from outside it, as a
 * browser sees it, and the generator's CPU is not the server's.
 *
 * It receives one job over IPC, runs autocannon at a fixed overall rate, and answers with
 * every response's own time (autocannon's 'response' event: first byte sent to last byte
 * read), so p95 is exact rather than read off autocannon's fixed percentiles (p90, p97.5).
 * The paths rotate through the job's list (case numbers vary per request).
 */
import autocannon from 'autocannon';

export interface LoadJob {
  url: string;
  cookie: string;
  paths: string[];
  seconds: number;
  rate: number;
  connections: number;
}

export interface LoadResult {
  times: number[];
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  requests: number;
  seconds: number;
}

function runJob(job: LoadJob): Promise<LoadResult> {
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  let k = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: job.url,
      connections: job.connections,
      duration: job.seconds,
      overallRate: job.rate,
      headers: { cookie: job.cookie, accept: 'text/html' },
      timeout: 30,
      requests: [{
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: job.paths[k++ % job.paths.length]! }),
      }],
    }, (err, res) => {
      if (err) { reject(err); return; }
      resolve({ times, statuses, errors: res.errors, timeouts: res.timeouts, requests: res.requests.total, seconds: res.duration });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      times.push(responseTime);
      statuses[String(statusCode)] = (statuses[String(statusCode)] ?? 0) + 1;
    });
  });
}

process.once('message', (job: LoadJob) => {
  runJob(job).then(
    (r) => { process.send!({ ok: true, result: r }, () => process.exit(0)); },
    (err: Error) => { process.send!({ ok: false, error: err.message }, () => process.exit(1)); },
  );
});

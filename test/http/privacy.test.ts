/** The privacy and terms pages the Teams app package links to: served, plain, and the who-sees-what table whole. */
import { request } from 'node:http';
import { HttpServer } from '../../src/http/server';
import { registerPolicyPages } from '../../src/http/privacy';
import { VIEWERS, WHO_SEES_WHAT } from '../../src/core/policy';

function get(port: number, path: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('GET /privacy and /terms', () => {
  const http = new HttpServer();
  let port = 0;
  beforeAll(async () => {
    registerPolicyPages(http);
    port = (await http.listen(0, '127.0.0.1')).port;
  });
  afterAll(() => http.close());

  it('serves the who-sees-what table, every row and every viewer, as escaped HTML', async () => {
    const page = await get(port, '/privacy');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    for (const v of VIEWERS) expect(page.body).toContain(v);
    for (const row of WHO_SEES_WHAT) expect(page.body).toContain(row.data.replace(/"/g, '&quot;'));
    expect(page.body).toContain('Nothing, even when it concerns them');
    expect(page.body).toContain('&quot;fewer than 3&quot;');
    expect(page.body).not.toMatch(/<script/i);
  });

  it('serves the terms, linking to the privacy page', async () => {
    const page = await get(port, '/terms');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Coaching is not evaluation');
    expect(page.body).toContain('href="/privacy"');
  });
});

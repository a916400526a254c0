/** Identity Center may live in another region than the run: its clients follow identityCenter.region. */
import { createClients } from '../../../src/aws/clients.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { icClients } from '../../../src/targets/identity-center/clients.js';

const config = (region: string | null) => ({ ...defaultConfig().identityCenter, enabled: true, region });

test('the run’s clients when the instance is in the run’s region; a reused pair in its own region otherwise', async () => {
  const clients = createClients({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  expect(icClients(clients, config(null)).ssoadmin).toBe(clients.ssoadmin);
  expect(icClients(clients, config('us-east-1')).identitystore).toBe(clients.identitystore);
  const other = icClients(clients, config('eu-west-1'));
  expect(await other.ssoadmin.config.region()).toBe('eu-west-1');
  expect(await other.identitystore.config.region()).toBe('eu-west-1');
  expect(icClients(clients, config('eu-west-1')).ssoadmin).toBe(other.ssoadmin);
  // Same identity: the credentials resolve to the run's own.
  expect((await other.ssoadmin.config.credentials()).accessKeyId).toBe('a');
});

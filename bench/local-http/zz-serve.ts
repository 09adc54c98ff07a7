import { LocalApp } from '../../lib/local';
(async () => {
  const app = await LocalApp.start(process.argv[2], { httpPort: 3999, awsPort: 0, schedules: false });
  console.log('ready', app.urls[0]);
  setTimeout(() => app.stop().then(() => process.exit(0)), Number(process.argv[3] ?? 12000));
})();

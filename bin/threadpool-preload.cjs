'use strict';
// `node -r tradedb/threadpool app.js`: sizes libuv's thread pool for the
// database pool before anything starts it (see threadpool.cjs for why this
// has to be CommonJS and first). A UV_THREADPOOL_SIZE already set wins.
require('./threadpool.cjs').sizeThreadPool();

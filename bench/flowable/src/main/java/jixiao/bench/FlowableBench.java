package jixiao.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.flowable.engine.ProcessEngine;
import org.flowable.engine.ProcessEngineConfiguration;
import org.flowable.engine.RuntimeService;
import org.flowable.engine.TaskService;
import org.flowable.task.api.Task;

/**
 * Flowable 7.2 embedded on PostgreSQL, the comparison beside `npm run bench`: starts N monitoring
 * instances (one user task each) from 4 threads, lists task pages as 50 officers would (8 threads),
 * then claims and completes every task from 8 threads. Prints each phase and one JSON line.
 * Args: --jdbc URL --instances N --start-threads 4 --complete-threads 8 --list-seconds 10
 */
public final class FlowableBench {
  static final int UNITS_PER_DEPT = 20;
  static final int PROJECTS_PER_UNIT = 15;

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i], args[i + 1]);
    String jdbc = a.getOrDefault("--jdbc", "jdbc:postgresql://127.0.0.1:5432/flowable?user=postgres");
    int n = Integer.parseInt(a.getOrDefault("--instances", "30000"));
    int startThreads = Integer.parseInt(a.getOrDefault("--start-threads", "4"));
    int completeThreads = Integer.parseInt(a.getOrDefault("--complete-threads", "8"));
    int listSeconds = Integer.parseInt(a.getOrDefault("--list-seconds", "10"));
    int units = (n + PROJECTS_PER_UNIT - 1) / PROJECTS_PER_UNIT;

    ProcessEngineConfiguration cfg = ProcessEngineConfiguration.createStandaloneProcessEngineConfiguration()
        .setJdbcUrl(jdbc)
        .setJdbcDriver("org.postgresql.Driver")
        .setJdbcMaxActiveConnections(Math.max(startThreads, completeThreads) + 4)
        .setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_TRUE)
        .setAsyncExecutorActivate(false);
    long e0 = System.nanoTime();
    ProcessEngine engine = cfg.buildProcessEngine();
    engine.getRepositoryService().createDeployment().addClasspathResource("processes/monitoring.bpmn20.xml").deploy();
    say("engine built and process deployed in %.1f s (history level %s)", (System.nanoTime() - e0) / 1e9, cfg.getHistoryLevel());
    RuntimeService runtime = engine.getRuntimeService();
    TaskService tasks = engine.getTaskService();

    // 1. start
    AtomicInteger next = new AtomicInteger();
    List<Double> startLat = Collections.synchronizedList(new ArrayList<>());
    long s0 = System.nanoTime();
    runThreads(startThreads, () -> {
      for (int p = next.getAndIncrement(); p < n; p = next.getAndIncrement()) {
        int u = 1 + (p % units);
        Map<String, Object> v = new HashMap<>();
        v.put("project", p);
        v.put("group", "unit_preparer@BU" + String.format("%05d", u));
        long dueMs = p % 20 == 0 ? 1000L : (15L + p % 10) * 86_400_000L; // 5% due at once: overdue
        v.put("due", Date.from(Instant.now().plusMillis(dueMs)));
        v.put("priority", p % 4);
        long t = System.nanoTime();
        runtime.startProcessInstanceByKey("monitoring", "P" + p, v);
        startLat.add((System.nanoTime() - t) / 1e6);
      }
    });
    double startSecs = (System.nanoTime() - s0) / 1e9;
    say("started %d instances in %.1f s: %.0f starts/s (%d threads; p99 %.1f ms)", n, startSecs, n / startSecs, startThreads, pct(startLat, 99));

    // 2. the task list as an officer's inbox page: candidate group, priority first, 50 a page
    List<Double> listLat = Collections.synchronizedList(new ArrayList<>());
    long listEnd = System.nanoTime() + listSeconds * 1_000_000_000L;
    AtomicInteger q = new AtomicInteger();
    runThreads(completeThreads, () -> {
      while (System.nanoTime() < listEnd) {
        int u = 1 + ((q.getAndIncrement() * 37) % units);
        long t = System.nanoTime();
        tasks.createTaskQuery().taskCandidateGroup("unit_preparer@BU" + String.format("%05d", u)).orderByTaskPriority().desc().orderByTaskCreateTime().asc().listPage(0, 50);
        listLat.add((System.nanoTime() - t) / 1e6);
      }
    });
    say("task list (candidate group, by priority, 50 a page), %d threads for %d s: %.0f queries/s, p50 %.1f ms, p99 %.1f ms", completeThreads, listSeconds, listLat.size() / (double) listSeconds, pct(listLat, 50), pct(listLat, 99));

    // 2b. the same query alone: one thread, one query at a time
    List<Double> aloneLat = Collections.synchronizedList(new ArrayList<>());
    long aloneEnd = System.nanoTime() + 5_000_000_000L;
    for (int k = 0; System.nanoTime() < aloneEnd; k++) {
      int u = 1 + ((k * 37) % units);
      long t = System.nanoTime();
      tasks.createTaskQuery().taskCandidateGroup("unit_preparer@BU" + String.format("%05d", u)).orderByTaskPriority().desc().orderByTaskCreateTime().asc().listPage(0, 50);
      aloneLat.add((System.nanoTime() - t) / 1e6);
    }
    say("the same query alone (one thread, 5 s): p50 %.2f ms, p99 %.2f ms", pct(aloneLat, 50), pct(aloneLat, 99));

    // 3. claim + complete every task
    ConcurrentLinkedQueue<Task> open = new ConcurrentLinkedQueue<>();
    for (int page = 0; ; page += 1000) {
      List<Task> l = tasks.createTaskQuery().processDefinitionKey("monitoring").listPage(page, 1000);
      open.addAll(l);
      if (l.size() < 1000) break;
    }
    int total = open.size();
    List<Double> doneLat = Collections.synchronizedList(new ArrayList<>());
    long c0 = System.nanoTime();
    runThreads(completeThreads, () -> {
      for (Task t = open.poll(); t != null; t = open.poll()) {
        long s = System.nanoTime();
        tasks.claim(t.getId(), "officer-" + Thread.currentThread().getId());
        tasks.complete(t.getId(), Map.of("outcome", "approve"));
        doneLat.add((System.nanoTime() - s) / 1e6);
      }
    });
    double doneSecs = (System.nanoTime() - c0) / 1e9;
    say("claimed and completed %d tasks in %.1f s: %.0f completions/s (%d threads; p50 %.1f ms, p99 %.1f ms)", total, doneSecs, total / doneSecs, completeThreads, pct(doneLat, 50), pct(doneLat, 99));
    long heapMiB = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
    System.out.printf("{\"flowable\":\"7.2.0\",\"instances\":%d,\"startThreads\":%d,\"completeThreads\":%d,\"startsPerSecond\":%.1f,\"startP99Ms\":%.1f,"
        + "\"listQueriesPerSecond\":%.1f,\"listP50Ms\":%.2f,\"listP99Ms\":%.2f,\"listAloneP50Ms\":%.2f,\"listAloneP99Ms\":%.2f,\"completionsPerSecond\":%.1f,\"completeP50Ms\":%.1f,\"completeP99Ms\":%.1f,\"jvmHeapUsedMiB\":%d}%n",
        n, startThreads, completeThreads, n / startSecs, pct(startLat, 99), listLat.size() / (double) listSeconds, pct(listLat, 50), pct(listLat, 99), pct(aloneLat, 50), pct(aloneLat, 99), total / doneSecs, pct(doneLat, 50), pct(doneLat, 99), heapMiB);
    engine.close();
  }

  static void runThreads(int threads, Runnable body) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < threads; i++) pool.submit(() -> {
      try {
        body.run();
      } catch (Throwable e) {
        failures.add(e);
      }
    });
    pool.shutdown();
    pool.awaitTermination(2, TimeUnit.HOURS);
    if (!failures.isEmpty()) throw new IllegalStateException("a thread failed", failures.get(0));
  }

  static double pct(List<Double> xs, double p) {
    List<Double> s;
    synchronized (xs) {
      s = new ArrayList<>(xs);
    }
    if (s.isEmpty()) return Double.NaN;
    Collections.sort(s);
    return s.get(Math.min(s.size() - 1, (int) Math.floor(p / 100 * s.size())));
  }

  static void say(String f, Object... args) {
    System.out.println("[flowable] " + String.format(f, args));
  }
}

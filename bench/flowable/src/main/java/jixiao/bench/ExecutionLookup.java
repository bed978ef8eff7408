package jixiao.bench;

import org.flowable.engine.delegate.DelegateExecution;
import org.flowable.engine.delegate.JavaDelegate;

/** The stand-in finance lookup: the project's execution rate, computed in process (no network call). */
public class ExecutionLookup implements JavaDelegate {
  @Override
  public void execute(DelegateExecution execution) {
    int p = ((Number) execution.getVariable("project")).intValue();
    execution.setVariable("executionRateBp", (p * 7919) % 10000);
  }
}

package dev.r1serve.eval.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.TaskType;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One enum for the eval's graders, distill's prompt tasks and the reward service's task types. */
class TaskKindTest {

    @Test
    void promptTasksAreEverythingButIfEvalInFileOrder() {
        assertEquals("math, gsm8k, choice, code, open, writing, qa", TaskKind.promptTaskLabels());
        assertEquals(Optional.of(TaskKind.CODE), TaskKind.parsePromptTask(" Code "));
        assertTrue(TaskKind.parsePromptTask("ifeval").isEmpty(), "distill has no instruction-following check");
    }

    @Test
    void eachKindMapsToTheRewardServicesTaskTypeOfTheSameCheck() {
        assertEquals(TaskType.TASK_TYPE_MATH, TaskKind.GSM8K.rewardTaskType());
        assertEquals(TaskType.TASK_TYPE_CHOICE, TaskKind.CHOICE.rewardTaskType());
        assertEquals(TaskType.TASK_TYPE_CODE, TaskKind.CODE.rewardTaskType());
        assertEquals(TaskType.TASK_TYPE_FORMAT_ONLY, TaskKind.WRITING.rewardTaskType());
        assertTrue(TaskKind.IFEVAL.gradesBenchmarks() && !TaskKind.OPEN.gradesBenchmarks());
    }
}

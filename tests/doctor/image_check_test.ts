import assert from "node:assert/strict";
import { checkImage } from "../../lib/doctor/image_check.ts";
import { dockerTest, TEST_IMAGE, withClient } from "../support/docker.ts";

dockerTest("checkImage() is ok for an image that is here", async () => {
  await withClient(async (client) => {
    const probe = await checkImage(client, TEST_IMAGE, 2_000);
    assert.equal(probe.present, true);
    assert.equal(probe.outcome.status, "ok");
    assert.match(probe.outcome.summary, /is here/);
  });
});

dockerTest("checkImage() fails for an image that is not here and cannot be pulled", async () => {
  await withClient(async (client) => {
    const probe = await checkImage(client, "127.0.0.1:1/pygent/no-such-image:none", 3_000);
    assert.equal(probe.present, false);
    assert.equal(probe.outcome.status, "fail");
    assert.match(probe.outcome.summary, /is not here and cannot be pulled/);
    assert.match(probe.outcome.remediation ?? "", /--image/);
  });
});

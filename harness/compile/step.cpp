#include "compile/step.hpp"

namespace amx {

namespace {

StepRecord step_of(Stage stage, std::string step, const ProcessSpec& spec) {
  StepRecord rec;
  rec.stage = stage;
  rec.step = std::move(step);
  rec.cwd = spec.cwd;
  rec.env = spec.extra_env;
  rec.argv = {spec.exe.string()};
  rec.argv.insert(rec.argv.end(), spec.args.begin(), spec.args.end());
  return rec;
}

} // namespace

StepRecord run_step(Stage stage, std::string step, const ProcessSpec& spec) {
  StepRecord rec = step_of(stage, std::move(step), spec);
  rec.result = run_process(spec);
  return rec;
}

StepRecord reused_step(Stage stage, std::string step, const ProcessSpec& spec, ProcessResult result,
                       std::string cache_key) {
  StepRecord rec = step_of(stage, std::move(step), spec);
  rec.result = std::move(result);
  rec.reused = true;
  rec.cache_key = std::move(cache_key);
  return rec;
}

} // namespace amx

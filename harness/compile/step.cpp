#include "compile/step.hpp"

namespace amx {

StepRecord run_step(Stage stage, std::string step, const ProcessSpec& spec) {
  StepRecord rec;
  rec.stage = stage;
  rec.step = std::move(step);
  rec.cwd = spec.cwd;
  rec.argv = {spec.exe.string()};
  rec.argv.insert(rec.argv.end(), spec.args.begin(), spec.args.end());
  rec.result = run_process(spec);
  return rec;
}

} // namespace amx

// SPDX-License-Identifier: MIT
// What a training run folder holds, for predict, sanity_check, run_cv and the demo: file names
// and TensorBoard tags, declared once. Includes nothing of SegOid; any stage may include it.
#pragma once

namespace segoid::train::contract {

inline constexpr char kCheckpointsDir[] = "checkpoints";
// Checkpoints: the Python SegOid's names and format (torch.save .pth). Runs from before that
// format hold the same names with the legacy suffix (.pt); resuming and predicting still read them.
inline constexpr char kBestModel[] = "best_model.pth";
inline constexpr char kFinalModel[] = "final_model.pth";
inline constexpr char kInterruptedModel[] = "interrupted.pth";
inline constexpr char kPeriodicModelPrefix[] = "checkpoint_epoch_";  ///< + epoch as 3 digits + kCheckpointSuffix
inline constexpr char kCheckpointSuffix[] = ".pth";
inline constexpr char kLegacyCheckpointSuffix[] = ".pt";
inline constexpr char kRunConfigYaml[] = "config.yaml";
inline constexpr char kValMetricsCsv[] = "val_metrics.csv";
inline constexpr char kTensorboardDir[] = "tensorboard";

// TensorBoard tags: the Python SegOid's, so old and new runs overlay in one TensorBoard.
inline constexpr char kTagLossTrain[] = "Loss/train";
inline constexpr char kTagLossVal[] = "Loss/val";
inline constexpr char kTagDiceTrain[] = "Dice/train";
inline constexpr char kTagDiceVal[] = "Dice/val";
inline constexpr char kTagLearningRate[] = "Learning_Rate";
/// Images: one per validation sample i, tagged kTagSamplePrefix + i + kTagSampleSuffix
/// ("Sample_0/Image_Mask_Prediction"): the patch, its truth and the predicted probability side by side.
inline constexpr char kTagSamplePrefix[] = "Sample_";
inline constexpr char kTagSampleSuffix[] = "/Image_Mask_Prediction";
// SegOid's extra scalars.
inline constexpr char kTagIouTrain[] = "IoU/train";
inline constexpr char kTagIouVal[] = "IoU/val";
inline constexpr char kTagPrecisionVal[] = "Precision/val";
inline constexpr char kTagRecallVal[] = "Recall/val";

}  // namespace segoid::train::contract

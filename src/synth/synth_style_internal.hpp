// SPDX-License-Identifier: MIT
// Internal pieces of the styled synthesizer shared by synth_style.cpp and synth_style_scene.cpp.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "segoid/core/rng.hpp"
#include "segoid/synth/synth_style.hpp"
#include "synth_internal.hpp"

namespace segoid::synth::style_detail {

/// An object outline: the union of star-shaped parts (one for round, elliptical and lobed
/// objects, a body and 1-3 buds for budding ones).
struct ObjectGeometry {
  std::vector<detail::SpheroidShape> parts;
  cv::Point2d center;        ///< body centre, px
  double bound_radius = 0;   ///< no part reaches farther from `center`, px
  double diameter = 0;       ///< nominal equivalent diameter of the body, px
  std::string kind;          ///< round, elliptical, lobed, budding (cyst is set by the painter)
};

/// Shape mix of a style: probabilities of each kind (the rest are round).
struct ShapeMix {
  double elliptical = 0.25, lobed = 0.2, budding = 0.15;
};

/// Draws an outline of nominal equivalent diameter `diameter` centred at the origin (set
/// `center` afterwards).
ObjectGeometry make_object(core::Rng& rng, double diameter, const ShapeMix& mix);

/// Whether the pixel centre (x, y) lies inside the outline.
bool object_contains(const ObjectGeometry& object, double x, double y);

/// How an object looks. Transmitted-light models multiply the structure (background 1), the
/// fluorescent model adds emission.
enum class LookModel { kBrightfield, kBright, kPhase, kCyst, kFluorescent, kIncucyte };

struct ObjectLook {
  LookModel model = LookModel::kBrightfield;
  double interior = 0.85;    ///< mean level inside (kBright: > 1; kFluorescent: emission)
  double core = 0.1;         ///< extra darkening (or dimming) towards the centre
  double texture = 0.15;     ///< granular texture amplitude (sd)
  double rim_depth = 0.6;    ///< dark rim just inside the outline
  double rim_width = 3.0;    ///< px; kCyst: wall thickness
  double halo = 0.05;        ///< bright halo just outside the outline (kFluorescent: glow)
  double halo_width = 2.0;   ///< px
  double shade_length = 1e9; ///< px: kPhase dark level decays inward over this length
};

/// Scene under construction: the light field, the instance labels and a stain field.
struct Scene {
  cv::Mat structure;  ///< CV_32FC1 relative light (transmitted) or emission (fluorescence)
  cv::Mat labels;     ///< CV_32SC1 instance labels before separation, 0 = background
  cv::Mat stain;      ///< CV_32FC1 in [0, 1]: 1 inside objects (colour of stained styles)
  std::vector<ObjectGeometry> objects;  ///< label k is objects[k - 1]
  std::vector<bool> touching;           ///< placed against an earlier object on purpose
};

/// Rasterizes `object` into scene.labels as the next label where no earlier object is. Returns
/// false and leaves the scene unchanged when fewer than `min_area` pixels would be visible.
bool add_object(Scene& scene, const ObjectGeometry& object, int min_area, bool touching);

/// Paints object `label` (1-based) with `look` into scene.structure and scene.stain.
void paint_object(Scene& scene, int label, const ObjectLook& look, core::Rng& rng);

/// Whether a circle of `radius` at `c` stays `gap` px clear of every placed object's bounding circle.
bool is_free(const Scene& scene, cv::Point2d c, double radius, double gap);

/// Clutter that never enters the mask. `emissive` draws it additively (fluorescence).
void draw_debris(Scene& scene, core::Rng& rng, int count, double scale, bool emissive);
void draw_fibres(Scene& scene, core::Rng& rng, int count, double scale, bool emissive);
void draw_bubbles(Scene& scene, core::Rng& rng, int count, double max_radius);
void draw_blurred_blobs(Scene& scene, core::Rng& rng, int count, double min_radius, double max_radius);

/// The exact mask: labels with a gap wherever two objects meet (so each is one 8-connected
/// component), smaller fragments left by the gap removed; and one StyledObject per object.
cv::Mat finish_mask(const Scene& scene, std::vector<StyledObject>& objects);

}  // namespace segoid::synth::style_detail

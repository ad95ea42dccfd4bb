# DiffuLT on 2 CPU cores for real CIFAR-10-LT IF100 with the latent generator:
# the proxy of ./cifar10lt-jpg_cpu.py (N_t = 1000, omega 0.3) and these stages:
#   phi0       the CPU protocol v2's CE classifier (DiffuLT's phi0 is "a CE
#              classifier on the long-tailed set"): that arm's config, 30
#              epochs, trained as the pipeline's phi0 stage, or a CE arm
#              checkpoint given as phi0_checkpoint (benchmarks/cpu_protocol.py
#              hands the CE arm's seed-0 checkpoint when it is on the machine);
#              the pixel arm's 10-epoch phi0 stage called every candidate ID.
#   generator  an autoencoder trained on the LT set as a stage of its own
#              (1,000 iterations), then L_DDPM + L_CBDM on its 8 x 8 x 4
#              latents, 2,054 iterations of batch 128
#              (../../diffusion/diffult-latent-tiny_unet_cifar10lt-jpg_cpu.py):
#              58 minutes of training on 2 cores, where its samples reach a
#              held-out CAS of 35.7 % on classes 4-9 (real images 63.1, the
#              pixel generator in the same time 28: benchmarks/RESULTS.md,
#              "Generator quality per CPU minute");
#   bank       DDIM 25 steps with guidance w = 8 (the setting whose CAS was
#              measured; nothing is chosen on the test set), the phi0-distance
#              filter (radius d_f per class, OOD dropped).
_base_ = ['./cifar10lt-jpg_cpu.py']

diffult_latent_iters = 2054
diffult_synthesis = dict(
    _delete_=True,
    type='DiffuLTSynthesisHook',
    phi0_config='{{fileDirname}}/../../cpu_protocol/ce_resnet32_cifar10lt-jpg.py',
    # None: the phi0 stage trains the CE arm's config.
    phi0_checkpoint=None,
    generator_config='{{fileDirname}}/../../diffusion/'
    'diffult-latent-tiny_unet_cifar10lt-jpg_cpu.py',
    generator_cfg_options={
        'model.aid': None,
        # Trained as a stage in <stages>/autoencoder.
        'model.autoencoder.checkpoint': None,
        'train_cfg.max_iters': diffult_latent_iters,
        'train_cfg.val_interval': diffult_latent_iters,
    },
    sampler='ddim',
    num_steps=25,
    guidance_scale=8.0,
    sample_batch_size=250,
    filter=dict(type='DiffuLTFilter', d_f='per_class', keep=('ID', 'AID')))
